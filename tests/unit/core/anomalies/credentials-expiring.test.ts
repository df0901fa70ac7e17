import { describe, expect, it } from "vitest";
import { detectCredentialsExpiring } from "@/lib/core/anomalies/detectors/credentials-expiring";
import { detectAnomalies, SELF_RESOLVING_KINDS } from "@/lib/core/anomalies/detect";
import { input, NOW } from "./factories";

const DAY = 86_400_000;
const account = (id: string, daysLeft: number) => ({
  channelAccountId: id,
  channel: "paypal" as const,
  name: `PayPal ${id}`,
  certificatesExpireAt: new Date(NOW.getTime() + daysLeft * DAY),
});

describe("detectCredentialsExpiring", () => {
  it("flags certificates lapsing within 30 days (medium), in their last week (high) and lapsed (high), one per account", () => {
    const findings = detectCredentialsExpiring(input({ credentialExpiries: [account("far", 31), account("month", 20.5), account("week", 6), account("gone", -2)] }));
    expect(findings.map((f) => [f.subjectKey, f.severity, f.details.daysLeft])).toEqual([
      ["credentials:month", "medium", 20],
      ["credentials:week", "high", 6],
      ["credentials:gone", "high", -2],
    ]);
    const [month, , gone] = findings;
    expect(month).toMatchObject({ kind: "credentials_expiring", channel: "paypal", amount: 0, paymentId: null, orderId: null, ageMinutes: 0 });
    expect(month.message.zh).toContain("还剩 20 天");
    expect(gone.message.zh).toContain("已于");
    expect(gone.ageMinutes).toBe(2 * 24 * 60);
  });

  it("changes its fingerprint with the expiry, so renewed credentials are a new state; it resolves itself once they are renewed", () => {
    const before = detectCredentialsExpiring(input({ credentialExpiries: [account("a", 10)] }))[0];
    const renewedSoonAgain = detectCredentialsExpiring(input({ credentialExpiries: [account("a", 12)] }))[0];
    expect(renewedSoonAgain.subjectKey).toBe(before.subjectKey);
    expect(renewedSoonAgain.fingerprint).not.toBe(before.fingerprint);
    expect(SELF_RESOLVING_KINDS.has("credentials_expiring")).toBe(true);
    expect(detectAnomalies(input({ credentialExpiries: [account("a", 400)] }))).toEqual([]);
  });

  it("names the day of expiry in the merchant's zone: midnight in Shanghai is that day, not the UTC day before", () => {
    const lapse = new Date("2027-01-01T00:00:00+08:00");
    const at = new Date(lapse.getTime() - 10 * 86_400_000);
    const [f] = detectCredentialsExpiring(input({ now: at, credentialExpiries: [{ channelAccountId: "a", channel: "paypal", name: "PayPal", certificatesExpireAt: lapse }] }));
    expect(f.message.zh).toContain("2027-01-01");
    expect(f.message.zh).not.toContain("2026-12-31");
  });
});

describe("detectCredentialsExpiring wording", () => {
  it("says '1 day left' in the singular, more days in the plural", () => {
    const [one, two] = detectCredentialsExpiring(input({ credentialExpiries: [account("one", 1.5), account("two", 2.5)] }));
    expect(one.message.en).toContain("(1 day left)");
    expect(two.message.en).toContain("(2 days left)");
    expect(one.message.zh).toContain("还剩 1 天");
  });
});
