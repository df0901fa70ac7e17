import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, encryptSecrets, makeKeyRing, rewrapSecret } from "@/lib/crypto/secrets";

const ring = makeKeyRing(crypto.randomBytes(32));

describe("encryptSecrets (a statement batch's payer accounts under one data key)", () => {
  it("seals each value so decryptSecret opens it, with a distinct IV per value", () => {
    const plains = Array.from({ length: 1000 }, (_, i) => `6222${String(i).padStart(12, "0")}`);
    const sealed = encryptSecrets(plains, ring);
    expect(sealed.map((v) => decryptSecret(v, ring))).toEqual(plains);
    const ivs = new Set(sealed.map((v) => v.split(".")[3]));
    expect(ivs.size).toBe(plains.length);
    expect(sealed.every((v) => !v.includes(plains[0]))).toBe(true);
  });

  it("never reuses an IV across batches, and tampering is detected", () => {
    const a = encryptSecrets(["x", "y"], ring);
    const b = encryptSecrets(["x", "y"], ring);
    expect(a[0].split(".")[2]).not.toBe(b[0].split(".")[2]);
    const parts = a[0].split(".");
    const body = Buffer.from(parts[4], "base64");
    body[0] ^= 1;
    expect(() => decryptSecret([...parts.slice(0, 4), body.toString("base64")].join("."), ring)).toThrow();
  });

  it("rotates like single values: re-wrapped under a new key, still readable", () => {
    const next = makeKeyRing(crypto.randomBytes(32), [ring.current.key]);
    const [sealed] = encryptSecrets(["6222000011112222"], ring);
    const rewrapped = rewrapSecret(sealed, next);
    expect(rewrapped.split(".")[1]).toBe(next.current.id);
    expect(decryptSecret(rewrapped, next)).toBe("6222000011112222");
    expect(decryptSecret(encryptSecret("z", ring), ring)).toBe("z");
  });
});
