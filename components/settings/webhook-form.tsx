"use client";

import { useState, type FormEvent } from "react";
import { appFetch } from "@/components/payments/app-api";
import { SaveRow, useSave } from "@/components/settings/save-state";
import { inputClass } from "@/components/settings/section";
import { useI18n } from "@/lib/i18n/client";

/** Sets the storefront webhook; the secret is write-only, so the field starts empty every time. */
export function StorefrontWebhookForm({ url }: { url: string | null }) {
  const { messages: t } = useI18n();
  const w = t.settings.webhook;
  const [value, setValue] = useState(url ?? "");
  const [secret, setSecret] = useState("");
  const { state, save } = useSave(w.failed);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (await save(() => appFetch("/api/app/settings/storefront-webhook", { url: value, secret }))) setSecret("");
  }

  return (
    <form onSubmit={submit} className="grid gap-3 px-4 py-4 sm:px-5 md:grid-cols-2" data-testid="webhook-form">
      <label className="text-xs font-medium text-slate-600">
        {w.url}
        <input type="url" required value={value} onChange={(e) => setValue(e.target.value)} placeholder="https://shop.example/ldxp/webhook" className={`mt-1 ${inputClass}`} data-testid="webhook-url" />
      </label>
      <label className="text-xs font-medium text-slate-600">
        {w.secret}
        <input
          type="password"
          required
          minLength={16}
          maxLength={200}
          autoComplete="new-password"
          value={secret}
          onChange={(e) => setSecret(e.target.value)}
          placeholder={w.secretPlaceholder}
          className={`mt-1 ${inputClass}`}
          data-testid="webhook-secret"
        />
      </label>
      <SaveRow state={state} label={w.save} saved={w.saved} testId="webhook-save" className="md:col-span-2" />
    </form>
  );
}
