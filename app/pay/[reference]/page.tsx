import type { Metadata } from "next";
import { notFound } from "next/navigation";
import QRCode from "qrcode";
import { PayShell } from "@/components/pay/pay-shell";
import { PayStatusCard } from "@/components/pay/pay-status";
import { transferAmountOf, transferSlipText } from "@/components/pay/transfer-slip";
import { getDb } from "@/lib/db/client";
import { getMessages } from "@/lib/i18n/server";
import { getPayStatus, type PayStatus } from "@/lib/services/pay-page";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getMessages();
  // A pay link is meant for one customer; keep it out of search engines.
  return { title: t.pay.title, robots: { index: false, follow: false } };
}

/** QR codes of each bank account's transfer slip for the amount to transfer, keyed by the slip text (SVG, no canvas, no network). */
async function transferQrSvgs(status: PayStatus): Promise<Record<string, string>> {
  const transfer = transferAmountOf(status);
  const slips = status.channels.flatMap((c) => (c.channel === "bank" ? [transferSlipText(c, transfer, status.currency)] : []));
  const svgs = await Promise.all(slips.map((slip) => QRCode.toString(slip, { type: "svg", errorCorrectionLevel: "M", margin: 2 })));
  return Object.fromEntries(slips.map((slip, i) => [slip, svgs[i]]));
}

export default async function PayPage({ params }: { params: Promise<{ reference: string }> }) {
  const { reference } = await params;
  const status = await getPayStatus(await getDb(), reference);
  if (!status) notFound();
  return (
    <PayShell>
      <PayStatusCard initialData={status} qrSvgs={await transferQrSvgs(status)} />
    </PayShell>
  );
}
