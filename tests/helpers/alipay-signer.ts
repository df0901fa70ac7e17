// Test-only: signs Alipay notifies the way Alipay does, with node:crypto, independently of lib/core (an oracle, not a mirror).
import crypto from "node:crypto";

/** A fresh 2048-bit RSA key pair: PKCS#8 PEM private key (signs like Alipay) and SPKI PEM public key (what we configure). */
export function generateAlipayKeyPair(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/** Params plus `sign` (SHA256withRSA, base64) and `sign_type: "RSA2"`; `includeSignType` signs like servicemarket notifies. */
export function signAlipayParams(
  params: Record<string, string>,
  privateKeyPem: string,
  { includeSignType = false }: { includeSignType?: boolean } = {},
): Record<string, string> {
  const signed: Record<string, string> = Object.fromEntries(Object.entries(params).filter(([k]) => k !== "sign"));
  signed.sign_type = "RSA2";
  const content = Object.keys(signed)
    .filter((k) => includeSignType || k !== "sign_type")
    .sort()
    .map((k) => `${k}=${signed[k]}`)
    .join("&");
  const sign = crypto.sign("sha256", Buffer.from(content, "utf8"), privateKeyPem).toString("base64");
  return { ...signed, sign };
}

/** The x-www-form-urlencoded body Alipay would POST for these params. */
export function toFormBody(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}

/** Options for {@link alipayPaymentNotify}; amounts are yuan strings, times Beijing `yyyy-MM-dd HH:mm:ss`. */
export interface AlipayNotifyOptions {
  outTradeNo: string;
  appId: string;
  totalAmount?: string;
  tradeNo?: string;
  sellerId?: string;
  tradeStatus?: "TRADE_SUCCESS" | "TRADE_FINISHED" | "TRADE_CLOSED" | "WAIT_BUYER_PAY";
  refundFee?: string;
  outBizNo?: string;
  gmtPayment?: string;
  gmtRefund?: string;
  notifyTime?: string;
  subject?: string;
  buyerId?: string;
  buyerLogonId?: string;
  /** Sent as given: callers percent-encode it as they would in the pay request. */
  passbackParams?: string;
  /** Last word on any field; `undefined` removes it. */
  overrides?: Record<string, string | undefined>;
}

const digits = (seed: string, n: number) =>
  BigInt(`0x${crypto.createHash("sha256").update(seed).digest("hex")}`).toString().slice(0, n);

function shiftBeijing(time: string, seconds: number): string {
  const [date, clock] = time.split(" ");
  const t = new Date(`${date}T${clock}Z`).getTime() + seconds * 1000;
  return new Date(t).toISOString().slice(0, 19).replace("T", " ");
}

/** A realistic, unsigned `trade_status_sync` notify as Alipay posts it for the given trade state. */
export function alipayPaymentNotify(options: AlipayNotifyOptions): Record<string, string> {
  const total = options.totalAmount ?? "128.00";
  const status = options.tradeStatus ?? "TRADE_SUCCESS";
  const gmtPayment = options.gmtPayment ?? "2024-03-01 12:00:05";
  const gmtCreate = shiftBeijing(gmtPayment, -3);
  const refunded = options.refundFee !== undefined;
  const paid = status !== "WAIT_BUYER_PAY" && (status !== "TRADE_CLOSED" || refunded);
  const gmtRefund = options.gmtRefund ?? `${shiftBeijing(gmtPayment, 86_400)}.320`;
  const lastEvent = refunded ? gmtRefund.slice(0, 19) : paid ? gmtPayment : gmtCreate;
  const tradeNo = options.tradeNo ?? `2024${digits(options.outTradeNo, 24)}`;
  const fields: Record<string, string | undefined> = {
    notify_time: options.notifyTime ?? shiftBeijing(lastEvent, 1),
    notify_type: "trade_status_sync",
    notify_id: `2024${digits(`${tradeNo}:${status}:${options.refundFee ?? ""}`, 30)}`,
    charset: "utf-8",
    version: "1.0",
    app_id: options.appId,
    auth_app_id: options.appId,
    trade_no: tradeNo,
    out_trade_no: options.outTradeNo,
    out_biz_no: options.outBizNo,
    buyer_id: options.buyerId ?? "2088102177846875",
    buyer_logon_id: options.buyerLogonId ?? "138****5678",
    seller_id: options.sellerId ?? "2088621934567890",
    seller_email: "finance@ldxp.example.cn",
    trade_status: status,
    total_amount: total,
    receipt_amount: paid ? total : undefined,
    invoice_amount: paid ? total : undefined,
    buyer_pay_amount: paid ? total : undefined,
    point_amount: paid ? "0.00" : undefined,
    refund_fee: options.refundFee,
    subject: options.subject ?? "年度会员 高级版",
    body: "LDXP 订阅服务费",
    gmt_create: gmtCreate,
    gmt_payment: paid ? gmtPayment : undefined,
    gmt_refund: refunded ? gmtRefund : undefined,
    gmt_close: status === "TRADE_CLOSED" ? (refunded ? gmtRefund.slice(0, 19) : shiftBeijing(gmtCreate, 900)) : undefined,
    fund_bill_list: paid ? JSON.stringify([{ amount: total, fundChannel: "ALIPAYACCOUNT" }]) : undefined,
    passback_params: options.passbackParams,
    ...options.overrides,
  };
  return Object.fromEntries(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined));
}
