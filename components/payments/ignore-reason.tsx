"use client";

import { focusRing } from "@/components/payments/app-api";
import { PAYOUT_WORDS } from "@/lib/core/matching/memo-signals";

const input = `w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm text-slate-900 ${focusRing}`;

/** The preset reason a memo's non-sale word points to: interest, a refund coming back, a channel's payout, or income that is no sale. */
export function presetFor(word: string | null, presets: readonly string[]): string {
  if (!word) return "";
  if (/息/.test(word)) return presets[0];
  if (/退/.test(word)) return presets[1];
  // A channel paying the shop's balance out to its bank: money moving between the shop's own accounts.
  if (PAYOUT_WORDS.includes(word)) return presets[2];
  return presets[3];
}

/** The preset reason that fits every one of several memos' non-sale words, or "" when they differ or one has none. */
export function sharedPreset(words: readonly (string | null)[], presets: readonly string[]): string {
  const reasons = new Set(words.map((word) => presetFor(word, presets)));
  const [only] = reasons;
  return reasons.size === 1 ? only : "";
}

/**
 * Why money is set aside: the preset reasons as one-click chips and the person's own words, one
 * reason for one payment or for several at once.
 */
export function IgnoreReasonFields({
  presets,
  label,
  reason,
  onChange,
  inputTestId,
}: {
  presets: readonly string[];
  label: string;
  reason: string;
  onChange: (reason: string) => void;
  inputTestId: string;
}) {
  return (
    <>
      <div className="flex flex-wrap gap-2">
        {presets.map((preset) => (
          <button
            key={preset}
            type="button"
            onClick={() => onChange(preset)}
            aria-pressed={reason === preset}
            className={`rounded-full px-2.5 py-1 text-xs ring-1 ring-inset ${reason === preset ? "bg-teal-50 text-teal-800 ring-teal-600/40" : "text-slate-600 ring-slate-300 hover:bg-slate-50"} ${focusRing}`}
          >
            {preset}
          </button>
        ))}
      </div>
      <label className="block text-sm">
        <span className="mb-1 block text-slate-600">{label}</span>
        <input data-testid={inputTestId} value={reason} maxLength={200} required onChange={(e) => onChange(e.target.value)} className={input} />
      </label>
    </>
  );
}
