"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { appFetch, AppApiError } from "@/components/payments/app-api";
import { inputClass, primaryButton } from "@/components/settings/section";
import { useI18n } from "@/lib/i18n/client";

/** Sets the storefront webhook; the secret is write-only, so the field starts empty every time. */
export function StorefrontWebhookForm({ url }: { url: string | null }) {
  const { messages: t } = useI18n();
  const w = t.settings.webhook;
  const router = useRouter();
  const [value, setValue] = useState(url ?? "");
  const [secret, setSecret] = useState("");
  const [state, setState] = useState<{ busy: boolean; error: string | null; saved: boolean }>({ busy: false, error: null, saved: false });

  async function submit(e: FormEvent) {
    e.preventDefault();
    setState({ busy: true, error: null, saved: false });
    try {
      await appFetch("/api/app/settings/storefront-webhook", { url: value, secret });
      setSecret("");
      setState({ busy: false, error: null, saved: true });
      router.refresh();
    } catch (err) {
      setState({ busy: false, error: err instanceof AppApiError ? err.message : w.failed, saved: false });
    }
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
      <div className="flex flex-wrap items-center gap-2 md:col-span-2">
        <button type="submit" disabled={state.busy} className={primaryButton} data-testid="webhook-save">
          {w.save}
        </button>
        {state.error ? (
          <p role="alert" className="text-sm text-red-700">
            {state.error}
          </p>
        ) : state.saved ? (
          <p role="status" className="text-sm text-emerald-700">
            {w.saved}
          </p>
        ) : null}
      </div>
    </form>
  );
}
