import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { PayShell } from "@/components/pay/pay-shell";
import { PayStatusCard } from "@/components/pay/pay-status";
import { getDb } from "@/lib/db/client";
import { getMessages } from "@/lib/i18n/server";
import { getPayStatus } from "@/lib/services/pay-page";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getMessages();
  // A pay link is meant for one customer; keep it out of search engines.
  return { title: t.pay.title, robots: { index: false, follow: false } };
}

export default async function PayPage({ params }: { params: Promise<{ reference: string }> }) {
  const { reference } = await params;
  const status = await getPayStatus(await getDb(), reference);
  if (!status) notFound();
  return (
    <PayShell>
      <PayStatusCard initialData={status} />
    </PayShell>
  );
}
