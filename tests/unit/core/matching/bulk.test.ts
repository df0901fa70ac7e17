import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { bulkCandidate, bulkExplanation } from "@/lib/core/matching/bulk";
import { decideExactMatch } from "@/lib/core/matching/exact";
import { generateReference } from "@/lib/core/reference";

const ref = () => generateReference((n) => crypto.randomBytes(n));

describe("bulkCandidate", () => {
  it("takes the channel's reference field first", () => {
    const a = ref();
    expect(bulkCandidate({ amount: 100, reference: a.toLowerCase(), memo: null })).toEqual({ reference: a, method: "reference" });
  });

  it("takes the only valid reference of a memo, however it was typed", () => {
    const a = ref();
    expect(bulkCandidate({ amount: 100, reference: null, memo: `货款 ${a.slice(0, 4)} ${a.slice(4)} 谢谢` })).toEqual({ reference: a, method: "reference_in_memo" });
  });

  it("leaves memos with several references, none, or a damaged one to the engine", () => {
    const [a, b] = [ref(), ref()];
    expect(bulkCandidate({ amount: 100, reference: null, memo: `${a} ${b}` })).toBeNull();
    expect(bulkCandidate({ amount: 100, reference: null, memo: "货款 谢谢" })).toBeNull();
    const damaged = a.slice(0, -1) + (a.endsWith("0") ? "1" : "0");
    expect(bulkCandidate({ amount: 100, reference: null, memo: `货款${damaged}` })).toBeNull();
  });
});

describe("bulkExplanation", () => {
  it("gives, once filled, exactly the explanation the engine gives for the same full-amount match", () => {
    const a = ref();
    const order = { id: "o1", reference: a, amount: 9900, openAmount: 9900 };
    for (const [payment, method] of [
      [{ amount: 9900, reference: a, memo: null }, "reference"],
      [{ amount: 9900, reference: null, memo: `货款${a}` }, "reference_in_memo"],
    ] as const) {
      const engine = decideExactMatch(payment, new Map([[a, order]]));
      const filled = bulkExplanation(bulkCandidate(payment)!);
      expect(bulkCandidate(payment)?.method).toBe(method);
      expect(engine?.method).toBe(method);
      expect(filled).toEqual(engine?.explanation);
    }
  });
});
