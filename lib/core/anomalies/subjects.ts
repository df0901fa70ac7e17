/** Subject keys: stable names for what an anomaly is about (one unresolved anomaly per kind and subject). */
export const paymentSubject = (paymentId: string) => `payment:${paymentId}`;
export const orderSubject = (orderId: string) => `order:${orderId}`;
export const allocationSubject = (paymentId: string, orderId: string) => `allocation:${paymentId}:${orderId}`;
export const voucherSubject = (channelAccountId: string, channelTransactionId: string) =>
  `voucher:${channelAccountId}:${channelTransactionId}`;
/** One signature-failure anomaly per account and UTC hour in which the burst started. */
export const signatureSubject = (channelAccountId: string, at: Date) =>
  `signature:${channelAccountId}:${at.toISOString().slice(0, 13)}`;

/** One anomaly per channel account for its credentials' expiry. */
export const credentialsSubject = (channelAccountId: string) => `credentials:${channelAccountId}`;

/** Whole minutes from `from` to `now`, never negative. */
export const minutesBetween = (from: Date, now: Date) => Math.max(0, Math.floor((now.getTime() - from.getTime()) / 60_000));
