"use client";

import { useCallback } from "react";
import { describeError } from "@/lib/i18n/api-errors";
import { useI18n } from "@/lib/i18n/client";

/**
 * The one way the app's client components show a failed request: an API error (AppApiError, or a
 * bulk result's `{ code, message }`) as a sentence in the reader's language; anything else (the
 * network) as `fallback`, or a generic network sentence. See lib/i18n/api-errors.ts.
 */
export function useErrorText() {
  const { locale, messages } = useI18n();
  return useCallback(
    (err: unknown, opts: { fallback?: string; currency?: string } = {}) => describeError(err, { locale, messages, currency: opts.currency }, opts.fallback),
    [locale, messages],
  );
}
