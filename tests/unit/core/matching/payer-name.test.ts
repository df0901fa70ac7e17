import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareNames, couldAgreeWithAny, isPaymentInstitution, NAME_SCORES, normalizePayerName, payerAgreement } from "@/lib/core/matching/payer-name";

describe("normalizePayerName", () => {
  it("folds full width, case, spaces and punctuation", () => {
    expect(normalizePayerName("  张 三 ")?.full).toBe("张三");
    expect(normalizePayerName("ＺＨＡＮＧ　Ｓａｎ")?.full).toBe("zhangsan");
    expect(normalizePayerName("王·小明")?.full).toBe("王小明");
    expect(normalizePayerName("   ")).toBeNull();
    expect(normalizePayerName(null)).toBeNull();
  });

  it("splits place prefix and legal suffix off company names", () => {
    expect(normalizePayerName("上海恒达贸易有限公司")).toMatchObject({ core: "恒达贸易", place: "上海", isCompany: true });
    expect(normalizePayerName("杭州市禾木家居股份有限公司")).toMatchObject({ core: "禾木家居", place: "杭州" });
    expect(normalizePayerName("锦程服饰有限责任公司")).toMatchObject({ core: "锦程服饰", place: null });
    // A short person's name that happens to contain a place stays whole.
    expect(normalizePayerName("周杭州")).toMatchObject({ core: "周杭州", place: null, isCompany: false });
  });

  it("reads a place in brackets (恒达贸易（上海）有限公司) as the place of the company, not part of its name", () => {
    expect(normalizePayerName("恒达贸易（上海）有限公司")).toMatchObject({ core: "恒达贸易", place: "上海", isCompany: true });
    expect(normalizePayerName("禾木家居(杭州市)有限公司")).toMatchObject({ core: "禾木家居", place: "杭州" });
    // Brackets holding something else, or on a person's name, are only punctuation.
    expect(normalizePayerName("支付宝（中国）网络技术有限公司")).toMatchObject({ core: "支付宝中国网络技术", place: null });
    expect(normalizePayerName("王伟（上海）")).toMatchObject({ full: "王伟上海", core: "王伟上海", isCompany: false });
  });
});

describe("compareNames", () => {
  it("tells exact, company-core, masked, partial and different apart", () => {
    expect(compareNames("张三", "张 三")).toBe("exact");
    expect(compareNames("上海恒达贸易有限公司", "恒达贸易")).toBe("company_core");
    expect(compareNames("恒达贸易有限公司", "恒达贸易股份有限公司")).toBe("company_core");
    expect(compareNames("张*", "张三")).toBe("masked");
    expect(compareNames("*三", "李四")).toBe("different");
    expect(compareNames("恒达贸易", "上海恒达贸易电子商务有限公司")).toBe("partial");
    expect(compareNames("王伟", "王芳")).toBe("different");
    expect(compareNames(null, "王芳")).toBe("unknown");
  });

  it("two different explicit cities are two different companies", () => {
    expect(compareNames("上海恒达贸易有限公司", "杭州恒达贸易有限公司")).toBe("different");
    expect(compareNames("恒达贸易（上海）有限公司", "杭州恒达贸易有限公司")).toBe("different");
    expect(compareNames("恒达贸易（上海）有限公司", "上海恒达贸易有限公司")).toBe("company_core");
  });

  it("a learned alias counts as agreement", () => {
    expect(payerAgreement("李小龙", ["张三"], "张三")).toBe("alias");
    expect(payerAgreement("李小龙", [], "张三")).toBe("different");
  });
});

describe("couldAgreeWithAny", () => {
  // Names built from a few pieces, so that agreements of every kind come up often.
  const piece = fc.constantFrom("恒达", "贸易", "禾木", "家居", "王", "伟", "秀英", "张", "*", "上海", "杭州", "（上海）", " ");
  const suffix = fc.constantFrom("", "", "有限公司", "股份有限公司", "商行");
  const name = fc.tuple(fc.array(piece, { minLength: 1, maxLength: 5 }), suffix).map(([p, s]) => p.join("") + s);

  it("passes every customer name a payer or alias agrees with in any way", () => {
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 3 }), fc.array(name, { maxLength: 2 }), name, (payers, aliases, customer) => {
        const passes = couldAgreeWithAny([...payers, ...aliases]);
        for (const payer of payers) {
          if (NAME_SCORES[payerAgreement(payer, aliases, customer)] > 0) expect(passes(customer)).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("drops names nobody agrees with", () => {
    const passes = couldAgreeWithAny(["上海恒达贸易有限公司", "王伟", null]);
    expect(passes("恒达贸易")).toBe(true);
    expect(passes("杭州恒达贸易股份有限公司")).toBe(true);
    expect(passes("王伟")).toBe(true);
    expect(passes("李娜")).toBe(false);
    expect(passes("禾木家居有限公司")).toBe(false);
    expect(passes(null)).toBe(false);
  });
});

describe("isPaymentInstitution", () => {
  it("tells payment institutions and processors from people and customers' companies", () => {
    for (const name of ["支付宝（中国）网络技术有限公司", "财付通支付科技有限公司", "网联清算有限公司", "银联商务股份有限公司", "STRIPE PAYMENTS UK LTD", "PayPal Pte. Ltd."]) {
      expect(isPaymentInstitution(name)).toBe(true);
    }
    for (const name of ["王连连", "上海恒达贸易有限公司", "支付宝", null, ""]) expect(isPaymentInstitution(name)).toBe(false);
  });
});
