import type { ChannelAdapter } from "@/lib/core/channels/adapter";
import { alipayAdapter } from "@/lib/core/channels/alipay/adapter";
import type { ChannelName } from "@/lib/core/channels/types";

/** Channels that push notifications to us, by the `{channel}` segment of the webhook URL. */
export const channelAdapters: Partial<Record<ChannelName, ChannelAdapter<never>>> = {
  alipay: alipayAdapter as ChannelAdapter<never>,
};

export function adapterFor(channel: string): ChannelAdapter<Record<string, string>> | null {
  return (channelAdapters as Record<string, ChannelAdapter<Record<string, string>>>)[channel] ?? null;
}
