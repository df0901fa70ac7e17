import type { ReactNode } from "react";
import { BrandMark } from "@/components/brand/brand-mark";
import { LanguageSwitch } from "@/components/i18n/language-switch";
import { getMessages } from "@/lib/i18n/server";

/** The customer-facing frame: narrow, phone-first, with nothing of the back office in it. */
export async function PayShell({ children }: { children: ReactNode }) {
  const t = await getMessages();
  return (
    <div className="min-h-dvh bg-slate-100">
      <main className="mx-auto flex min-h-dvh w-full max-w-md flex-col px-4 pb-8 pt-4">
        <div className="mb-4 flex items-center justify-between">
          <p className="text-sm font-medium text-slate-700">{t.pay.title}</p>
          <LanguageSwitch />
        </div>
        <div className="flex-1">{children}</div>
        <p className="mt-8 flex items-center justify-center gap-2 text-xs text-slate-500">
          <BrandMark className="size-4" />
          {t.pay.securedBy}
        </p>
      </main>
    </div>
  );
}
