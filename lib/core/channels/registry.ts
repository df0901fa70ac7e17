import type { ChannelAdapter } from "@/lib/core/channels/adapter";
import { alipayAdapter } from "@/lib/core/channels/alipay/adapter";
import { douyinAdapter } from "@/lib/core/channels/douyin/adapter";
import { genericAdapter } from "@/lib/core/channels/generic/adapter";
import { paypalAdapter } from "@/lib/core/channels/paypal/adapter";
import { stripeAdapter } from "@/lib/core/channels/stripe/adapter";
import type { ChannelName } from "@/lib/core/channels/types";
import { unionpayAdapter } from "@/lib/core/channels/unionpay/adapter";
import { wechatpayAdapter } from "@/lib/core/channels/wechatpay/adapter";

/** Channels that push notifications to us, by the `{channel}` segment of the webhook URL. */
export const channelAdapters: Partial<Record<ChannelName, ChannelAdapter<never>>> = {
  alipay: alipayAdapter as ChannelAdapter<never>,
  wechatpay: wechatpayAdapter as ChannelAdapter<never>,
  unionpay: unionpayAdapter as ChannelAdapter<never>,
  douyin: douyinAdapter as ChannelAdapter<never>,
  stripe: stripeAdapter as ChannelAdapter<never>,
  paypal: paypalAdapter as ChannelAdapter<never>,
  other: genericAdapter as ChannelAdapter<never>,
};

export function adapterFor(channel: string): ChannelAdapter<Record<string, string>> | null {
  // Own properties only: "constructor" or "__proto__" in the URL must not resolve to something callable.
  if (!Object.hasOwn(channelAdapters, channel)) return null;
  return (channelAdapters as Record<string, ChannelAdapter<Record<string, string>>>)[channel] ?? null;
}
