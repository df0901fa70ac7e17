import { readFileSync } from "node:fs";

const dir = new URL("../../../../fixtures/channels/alipay/", import.meta.url);

/** Text of a file in tests/fixtures/channels/alipay. */
export const readFixture = (name: string): string => readFileSync(new URL(name, dir), "utf8");

/** The real TRADE_SUCCESS notify from the official Node SDK tests (signed without sign_type). */
export const tradeStatusSync = (): Record<string, string> => JSON.parse(readFixture("trade_status_sync_20190815155622.form.json"));

/** The real servicemarket notify (signed with sign_type). */
export const servicemarketNotify = (): Record<string, string> =>
  JSON.parse(readFixture("servicemarket_order_notify_20190308102023.form.json"));

export const tradeStatusSyncKeyPem = () => readFixture("trade_status_sync.alipay_public_key.pem");
export const tradeStatusSyncKeyB64 = () => readFixture("trade_status_sync.alipay_public_key.b64.txt");
export const servicemarketKeyPem = () => readFixture("alipay-notify-sign-public-key-v2.pem");

/** A copy of `params` without the given fields. */
export const without = (params: Record<string, string>, ...fields: string[]): Record<string, string> =>
  Object.fromEntries(Object.entries(params).filter(([k]) => !fields.includes(k)));
