import { channelLabel, money } from "@/lib/core/anomalies/messages";
import { severityFor } from "@/lib/core/anomalies/severity";
import { minutesBetween, voucherSubject } from "@/lib/core/anomalies/subjects";
import type { DetectionInput, Finding } from "@/lib/core/anomalies/types";
import { zoneOffsetMinutes } from "@/lib/core/time";
import { groupBy } from "@/lib/core/collections";

const localDate = (at: Date, timeZone: string) =>
  new Date(at.getTime() + zoneOffsetMinutes(at, timeZone) * 60_000).toISOString().slice(0, 10);

/**
 * The same bank serial (or channel transaction id) on one account recorded as more than one payment
 * with a different amount or booking date, from different sources. Imports dedupe on the whole line,
 * so an identical line is never recorded twice; a serial coming back later with other content is a
 * correction, a re-issued voucher or tampering, and each copy would otherwise be counted as money.
 * Copies listed side by side in one statement file are the bank's own separate entries (PostFinance
 * repeats AcctSvcrRef across the entries of a batch), not a duplicate.
 */
export function detectDuplicateVoucher(input: DetectionInput): Finding[] {
  const groups = groupBy(
    input.payments.filter((p) => p.status !== "ignored"),
    (p) => voucherSubject(p.channelAccountId, p.channelTransactionId),
  );
  const findings: Finding[] = [];
  for (const [subjectKey, group] of groups) {
    if (group.length < 2) continue;
    const amounts = new Set(group.map((p) => p.amount));
    const dates = new Set(group.map((p) => localDate(p.receivedAt, input.settings.timeZone)));
    if (amounts.size < 2 && dates.size < 2) continue;
    const sources = new Set(group.map((p) => p.statementId ?? `payment:${p.id}`));
    if (sources.size < 2) continue;
    // In the order we recorded them: the copy that arrived last is the one to look at.
    const sorted = [...group].sort((a, b) => a.recordedAt.getTime() - b.recordedAt.getTime() || a.id.localeCompare(b.id));
    const latest = sorted[sorted.length - 1];
    const total = sorted.reduce((s, p) => s + p.amount, 0);
    const ch = channelLabel(latest.channel);
    const listing = sorted.map((p) => `${money(p.amount, p.currency)} @ ${localDate(p.receivedAt, input.settings.timeZone)}`).join(", ");
    findings.push({
      kind: "duplicate_voucher",
      subjectKey,
      fingerprint: sorted.map((p) => p.id).join(","),
      severity: severityFor("duplicate_voucher", total),
      paymentId: latest.id,
      orderId: null,
      channel: latest.channel,
      amount: latest.amount,
      difference: null,
      payerName: latest.payerName,
      ageMinutes: minutesBetween(latest.recordedAt, input.now),
      message: {
        zh: `${ch.zh}凭证号 ${latest.channelTransactionId} 出现 ${sorted.length} 次且内容不同（${listing}），疑似重复或更正凭证`,
        en: `${ch.en} voucher ${latest.channelTransactionId} arrived ${sorted.length} times with different content (${listing})`,
      },
      details: {
        channelTransactionId: latest.channelTransactionId,
        paymentIds: sorted.map((p) => p.id),
        amounts: sorted.map((p) => p.amount),
      },
    });
  }
  return findings;
}
