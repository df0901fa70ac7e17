// Chinese labels for accounting output (spreadsheets, PDFs, vouchers): what an accountant in China reads.
import { causeWords } from "@/lib/core/matching/explain";
import { ALL_WRITE_OFF_CAUSES, type MatchMethod } from "@/lib/core/matching/types";

const CHANNEL_LABELS: Record<string, string> = {
  alipay: "支付宝",
  wechatpay: "微信支付",
  unionpay: "银联",
  douyin: "抖音支付",
  stripe: "Stripe",
  paypal: "PayPal",
  bank: "银行转账",
  other: "其他",
  doudian: "抖店",
};

/** Display order of channels in every report table. */
export const CHANNEL_ORDER = Object.keys(CHANNEL_LABELS);

const SOURCE_LABELS: Record<string, string> = {
  douyin: "抖音",
  taobao: "淘宝",
  miniprogram: "小程序",
  pos: "门店 POS",
  web: "网站",
  other: "其他",
};

const PAYMENT_STATUS_LABELS: Record<string, string> = {
  matched: "已匹配",
  partially_matched: "部分匹配",
  suggested: "待确认",
  unmatched: "未匹配",
  ignored: "已忽略",
};

const ORDER_STATUS_LABELS: Record<string, string> = {
  pending: "待支付",
  partially_paid: "部分支付",
  paid: "已支付",
  overpaid: "超额支付",
  partially_refunded: "部分退款",
  refunded: "已退款",
  closed: "已关闭",
};

// Keyed by the engine's union: a method added there is a type error here until it has a label.
const METHOD_LABELS: Record<MatchMethod, string> = {
  reference: "订单参考号",
  reference_in_memo: "附言参考号",
  multi_reference: "多参考号",
  typo_reference: "参考号纠错",
  order_no_in_memo: "附言中的订单号",
  amount_payer: "金额+付款人",
  amount_payer_sum: "合计金额+付款人",
  amount_payer_partial: "部分付款+付款人",
  amount_payer_over: "多付+付款人",
  unique_amount: "唯一金额",
  manual: "人工匹配",
};

const EXCEPTION_LABELS: Record<string, string> = {
  unmatched: "未匹配",
  suggested: "待确认",
  partially_matched: "部分匹配",
  ignored: "已忽略",
  unallocated: "未分配余额",
  amount_mismatch: "金额不符",
  unmatched_overdue: "逾期未匹配",
  duplicate_voucher: "重复凭证",
  overpayment: "超额支付",
  late_payment: "逾期付款",
  refund_exceeds_payment: "退款超过收款",
  signature_failures: "验签失败",
  bill_mismatch: "账单不符",
  credentials_expiring: "证书即将过期",
};

const SEVERITY_LABELS: Record<string, string> = { low: "低", medium: "中", high: "高" };

// The engine's own words for a cause, so an explanation and a report never name it differently.
const WRITE_OFF_CAUSE_LABELS: Record<string, string> = Object.fromEntries(ALL_WRITE_OFF_CAUSES.map((c) => [c, causeWords(c).zh]));

const label = (table: Record<string, string>) => (key: string | null | undefined) => (key ? (table[key] ?? key) : "");

/** 支付宝 for alipay; unknown channels keep their code. */
export const channelLabel = label(CHANNEL_LABELS);
/** 抖音 for douyin. */
export const sourceLabel = label(SOURCE_LABELS);
/** 已匹配 for matched. */
export const paymentStatusLabel = label(PAYMENT_STATUS_LABELS);
/** 超额支付 for overpaid. */
export const orderStatusLabel = label(ORDER_STATUS_LABELS);
/** 订单参考号 for reference. */
export const matchMethodLabel = label(METHOD_LABELS);
/** 未匹配 for unmatched, 金额不符 for amount_mismatch. */
export const exceptionKindLabel = label(EXCEPTION_LABELS);
/** 高 / 中 / 低. */
export const severityLabel = label(SEVERITY_LABELS);
/** 优惠券 for coupon, 唯一金额立减 for unique_amount. */
export const writeOffCauseLabel = label(WRITE_OFF_CAUSE_LABELS);

/** Sort key of write-off causes: known ones in ALL_WRITE_OFF_CAUSES' order, unknown ones after them alphabetically. */
export function compareWriteOffCauses(a: string, b: string): number {
  const order = ALL_WRITE_OFF_CAUSES as readonly string[];
  const ia = order.includes(a) ? order.indexOf(a) : order.length;
  const ib = order.includes(b) ? order.indexOf(b) : order.length;
  return ia - ib || (a < b ? -1 : a > b ? 1 : 0);
}

/** Sort key: known channels in CHANNEL_ORDER, unknown ones after them alphabetically. */
export function compareChannels(a: string, b: string): number {
  const ia = CHANNEL_ORDER.indexOf(a);
  const ib = CHANNEL_ORDER.indexOf(b);
  if (ia !== ib) return (ia < 0 ? CHANNEL_ORDER.length : ia) - (ib < 0 ? CHANNEL_ORDER.length : ib);
  return a < b ? -1 : a > b ? 1 : 0;
}
