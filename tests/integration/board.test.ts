import { describe, expect, it } from "vitest";
import { getBoard } from "@/lib/services/board";
import { runAnomalySweep } from "@/lib/services/anomalies";
import { matchPayment } from "@/lib/services/match-payment";
import { recordPayment } from "@/lib/services/payments";
import { merchantWithAlipay } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();

describe(`board figures (${process.env.TEST_DB})`, () => {
  it("counts pending money and open anomalies by severity", async () => {
    const m = await merchantWithAlipay();
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    const { payment } = await recordPayment(t.db(), {
      merchantId: m.merchantId,
      channelAccountId: m.accountId,
      origin: "notify",
      event: {
        kind: "payment", channel: "alipay", channelTransactionId: "2026112522001499990001", reference: "NOT-OURS-1",
        amount: 4321, currency: "CNY", receivedAt: twoDaysAgo.toISOString(), payerName: null, payerAccount: null,
        memo: null, merchantAccountId: m.appId, sellerId: null, details: {},
      },
    });
    await matchPayment(t.db(), { paymentId: payment.id });
    let board = await getBoard(t.db(), m.merchantId);
    expect(board.pending).toEqual({ count: 1, amount: 4321 });
    expect(board.anomalies.open).toBe(0);
    await runAnomalySweep(t.db(), { merchantId: m.merchantId, now: new Date() });
    board = await getBoard(t.db(), m.merchantId);
    expect(board.anomalies.open).toBeGreaterThanOrEqual(1);
    expect(board.anomalies.open).toBe(board.anomalies.high + board.anomalies.medium + board.anomalies.low);
  });
});
