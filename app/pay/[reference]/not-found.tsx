import { PayShell } from "@/components/pay/pay-shell";
import { getMessages } from "@/lib/i18n/server";

export default async function PayNotFound() {
  const t = await getMessages();
  return (
    <PayShell>
      <div data-testid="pay-not-found" className="rounded-2xl border border-slate-200 bg-white px-6 py-10 text-center shadow-sm">
        <h1 className="text-xl font-semibold text-slate-900">{t.pay.notFoundHeading}</h1>
        <p className="mt-2 text-sm text-slate-600">{t.pay.notFoundBody}</p>
      </div>
    </PayShell>
  );
}
