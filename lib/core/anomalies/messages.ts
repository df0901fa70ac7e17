import type { ChannelName } from "@/lib/core/channels/types";
import type { Explanation } from "@/lib/core/matching/types";
import { codeAmount } from "@/lib/core/matching/explain";
import { formatYuan } from "@/lib/core/money";

const CHANNEL_LABELS: Record<ChannelName, Explanation> = {
  alipay: { zh: "支付宝", en: "Alipay" },
  wechatpay: { zh: "微信支付", en: "WeChat Pay" },
  unionpay: { zh: "银联", en: "UnionPay" },
  douyin: { zh: "抖音支付", en: "Douyin Pay" },
  stripe: { zh: "Stripe", en: "Stripe" },
  paypal: { zh: "PayPal", en: "PayPal" },
  bank: { zh: "银行", en: "bank" },
  other: { zh: "其他渠道", en: "other channel" },
  doudian: { zh: "抖店", en: "Doudian" },
};

/** A channel's name in both UI languages. */
export const channelLabel = (channel: ChannelName | null): Explanation =>
  channel ? CHANNEL_LABELS[channel] : { zh: "未知渠道", en: "unknown channel" };

/** "¥1,234.56" (sign kept): yuan only; a row's money goes through {@link money} with its currency. */
export const yuan = (fen: number) => formatYuan(fen);

/**
 * Minor units of `currency` for a message: yuan as anomaly messages always wrote them ("¥1,234.56",
 * "-¥0.50"), another currency with its code and its own minor digits ("USD 12.80", "JPY 1,200") as
 * match explanations write it; never a bare ¥ for money that is not yuan.
 */
export const money = (minor: number, currency: string): string => (currency.toUpperCase() === "CNY" ? formatYuan(minor) : codeAmount(minor, currency));

/** A duration in the unit a reader expects: minutes under two hours, hours under three days, else days. */
export function formatAge(minutes: number): Explanation {
  if (minutes < 120) return { zh: `${minutes} 分钟`, en: `${minutes} min` };
  const hours = Math.floor(minutes / 60);
  if (hours < 72) return { zh: `${hours} 小时`, en: `${hours} h` };
  const days = Math.floor(hours / 24);
  return { zh: `${days} 天`, en: `${days} days` };
}
