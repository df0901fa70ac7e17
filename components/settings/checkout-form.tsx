"use client";

import { useState, type FormEvent } from "react";
import { appFetch } from "@/components/payments/app-api";
import { SaveRow, useSave } from "@/components/settings/save-state";
import { inputClass } from "@/components/settings/section";
import { useI18n } from "@/lib/i18n/client";
import type { CheckoutSettings } from "@/lib/services/checkout-settings";

/** How new orders are made: how many hours they stay open, and whether they ask a unique amount. */
export function CheckoutSettingsForm({ settings, readOnly }: { settings: CheckoutSettings; readOnly: boolean }) {
  const { messages: t } = useI18n();
  const c = t.settings.checkout;
  const [hours, setHours] = useState(String(settings.orderTtlMinutes / 60));
  const [uniqueAmount, setUniqueAmount] = useState(settings.uniqueAmount);
  const { state, save } = useSave(c.failed);

  async function submit(e: FormEvent) {
    e.preventDefault();
    await save(() => appFetch("/api/app/settings/checkout", { orderTtlMinutes: Math.round(Number(hours) * 60), uniqueAmount }, "PUT"));
  }

  return (
    <form onSubmit={submit} className="grid gap-4 px-4 py-4 sm:px-5" data-testid="checkout-settings-form">
      <label className="max-w-xs text-xs font-medium text-slate-600">
        {c.orderTtlHours}
        <input
          type="number"
          required
          min={0.1}
          max={720}
          step="any"
          value={hours}
          disabled={readOnly}
          onChange={(e) => setHours(e.target.value)}
          className={`mt-1 ${inputClass}`}
          data-testid="checkout-ttl-hours"
        />
        <span className="mt-1 block font-normal text-slate-500">{c.orderTtlHint}</span>
      </label>
      <label className="flex items-start gap-2 text-sm text-slate-800">
        <input
          type="checkbox"
          checked={uniqueAmount}
          disabled={readOnly}
          onChange={(e) => setUniqueAmount(e.target.checked)}
          className="mt-0.5 size-4 rounded border-slate-300 accent-teal-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-600"
          data-testid="checkout-unique-amount"
        />
        <span>
          {c.uniqueAmount}
          <span className="mt-0.5 block text-xs text-slate-500">{c.uniqueAmountHint}</span>
        </span>
      </label>
      {readOnly ? null : <SaveRow state={state} label={c.save} saved={c.saved} testId="checkout-settings-save" />}
    </form>
  );
}
