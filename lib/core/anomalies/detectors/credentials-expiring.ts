import { channelLabel } from "@/lib/core/anomalies/messages";
import { formatZoned } from "@/lib/core/time";
import { credentialsSubject, minutesBetween } from "@/lib/core/anomalies/subjects";
import type { DetectionInput, Finding } from "@/lib/core/anomalies/types";

/** A certificate this close to lapsing is flagged: time to get the renewed one from the channel's console. */
export const EXPIRY_WARNING_DAYS = 30;
/** In its last week (or once lapsed) it is urgent. */
export const EXPIRY_URGENT_DAYS = 7;
const DAY_MS = 86_400_000;

/**
 * Channel accounts whose first certificate lapses within EXPIRY_WARNING_DAYS (or already has): past
 * that instant the channel's notifications no longer verify and payments stop being recorded. The
 * fingerprint is the expiry itself, so renewed credentials resolve the anomaly and a new expiry is a
 * new one.
 */
export function detectCredentialsExpiring(input: DetectionInput): Finding[] {
  const findings: Finding[] = [];
  for (const a of input.credentialExpiries) {
    const msLeft = a.certificatesExpireAt.getTime() - input.now.getTime();
    if (msLeft > EXPIRY_WARNING_DAYS * DAY_MS) continue;
    const days = Math.floor(msLeft / DAY_MS);
    // The merchant's calendar day: a certificate lapsing at 00:00 Shanghai lapses on that day, not the UTC one before.
    const date = formatZoned(a.certificatesExpireAt, input.settings.timeZone).slice(0, 10);
    const ch = channelLabel(a.channel);
    const subjectKey = credentialsSubject(a.channelAccountId);
    findings.push({
      kind: "credentials_expiring",
      subjectKey,
      fingerprint: `${subjectKey}:${a.certificatesExpireAt.toISOString()}`,
      severity: msLeft <= EXPIRY_URGENT_DAYS * DAY_MS ? "high" : "medium",
      paymentId: null,
      orderId: null,
      channel: a.channel,
      amount: 0,
      difference: null,
      payerName: null,
      ageMinutes: msLeft < 0 ? minutesBetween(a.certificatesExpireAt, input.now) : 0,
      message:
        msLeft < 0
          ? {
              zh: `${ch.zh}账户「${a.name}」的证书已于 ${date} 过期：通知无法验签，请在 设置 › 收款渠道 更新密钥`,
              en: `The certificate of ${ch.en} account "${a.name}" expired on ${date}: its notifications cannot be verified. Renew the keys in Settings › Channels`,
            }
          : {
              zh: `${ch.zh}账户「${a.name}」的证书将于 ${date} 过期（还剩 ${days} 天）：到期后通知无法验签，请提前更新密钥`,
              en: `The certificate of ${ch.en} account "${a.name}" expires on ${date} (${days} ${days === 1 ? "day" : "days"} left): renew the keys before its notifications stop verifying`,
            },
      details: { channelAccountId: a.channelAccountId, certificatesExpireAt: a.certificatesExpireAt.toISOString(), daysLeft: days },
    });
  }
  return findings;
}
