import { channelLabel } from "@/lib/core/anomalies/messages";
import { minutesBetween, signatureSubject } from "@/lib/core/anomalies/subjects";
import type { DetectionInput, Finding } from "@/lib/core/anomalies/types";
import { groupBy } from "@/lib/core/collections";

/** Failures within this window count as one burst. */
export const SIGNATURE_WINDOW_MINUTES = 10;
/** This many failures within the window open an anomaly. */
export const SIGNATURE_FAILURE_THRESHOLD = 5;

/**
 * Bursts of notifications that failed verification on one channel account: an attacker probing
 * the webhook or a rotated key nobody configured — either way real payments stop being recorded.
 * One anomaly per account and hour in which a burst starts.
 */
export function detectSignatureFailures(input: DetectionInput): Finding[] {
  const windowMs = SIGNATURE_WINDOW_MINUTES * 60_000;
  const byAccount = groupBy(input.rejectedNotifications, (r) => r.channelAccountId);
  const findings = new Map<string, Finding>();
  for (const [accountId, rows] of byAccount) {
    const sorted = [...rows].sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
    let i = 0;
    while (i < sorted.length) {
      let j = i;
      while (j + 1 < sorted.length && sorted[j + 1].receivedAt.getTime() - sorted[i].receivedAt.getTime() <= windowMs) j++;
      const count = j - i + 1;
      if (count < SIGNATURE_FAILURE_THRESHOLD) {
        i++;
        continue;
      }
      const first = sorted[i].receivedAt;
      const last = sorted[j].receivedAt;
      const subjectKey = signatureSubject(accountId, first);
      const earlier = findings.get(subjectKey);
      const total = count + ((earlier?.details.failures as number | undefined) ?? 0);
      const ch = channelLabel(sorted[i].channel);
      findings.set(subjectKey, {
        kind: "signature_failures",
        subjectKey,
        fingerprint: subjectKey,
        severity: "high",
        paymentId: null,
        orderId: null,
        channel: sorted[i].channel,
        amount: 0,
        difference: null,
        payerName: null,
        ageMinutes: minutesBetween((earlier?.details.firstAt as string | undefined) ? new Date(earlier!.details.firstAt as string) : first, input.now),
        message: {
          zh: `${ch.zh}账户的通知在 ${SIGNATURE_WINDOW_MINUTES} 分钟内验签失败 ${total} 次：可能是攻击或密钥已更换`,
          en: `${total} ${ch.en} notifications failed verification within ${SIGNATURE_WINDOW_MINUTES} minutes: an attack or a rotated key`,
        },
        details: {
          channelAccountId: accountId,
          failures: total,
          firstAt: (earlier?.details.firstAt as string | undefined) ?? first.toISOString(),
          lastAt: last.toISOString(),
        },
      });
      i = j + 1;
    }
  }
  return [...findings.values()];
}
