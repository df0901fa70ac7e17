"use client";

import { useMutation } from "@tanstack/react-query";
import { appFetch, focusRing } from "@/components/payments/app-api";
import { useErrorText } from "@/components/ui/use-error-text";
import { useI18n, useTranslations } from "@/lib/i18n/client";
import type { AuditChainView } from "@/lib/services/audit-verify";

/** 校验完整性: re-computes the merchant's hash chain on the server and says whether any record was changed. */
export function VerifyAuditChain() {
  const { messages: t } = useI18n();
  const a = t.auditLog;
  const tr = useTranslations("auditLog");
  const errorText = useErrorText();
  const check = useMutation({ mutationFn: () => appFetch<AuditChainView>("/api/app/audit/verify") });
  const r = check.data;
  return (
    <div className="flex flex-wrap items-center gap-3 text-sm">
      <button
        type="button"
        onClick={() => check.mutate()}
        disabled={check.isPending}
        data-testid="audit-verify"
        className={`rounded-md px-3 py-1.5 text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 disabled:opacity-60 ${focusRing}`}
      >
        {check.isPending ? a.verifying : a.verify}
      </button>
      <p aria-live="polite" data-testid="audit-verify-result">
        {check.isError ? (
          <span className="text-red-700">{errorText(check.error, { fallback: a.verifyFailed })}</span>
        ) : r ? (
          r.broken ? (
            <span className="font-medium text-red-700">{tr("broken", { position: r.broken.position, eventId: r.broken.eventId })}</span>
          ) : (
            <span className="text-emerald-700">
              {tr("intact", { events: r.events })}
              {r.unchained ? ` ${tr("waiting", { n: r.unchained })}` : ""}
            </span>
          )
        ) : null}
      </p>
    </div>
  );
}
