"use client";

import { useEffect, useState } from "react";
import { useI18n } from "@/lib/i18n/client";

const CONFIRM_MS = 2_000;

type CopyState = "idle" | "copied" | "selected";

/** Selects the element's text so the customer can copy it by hand when the Clipboard API is missing or refused. */
function selectText(targetId: string): boolean {
  const target = document.getElementById(targetId);
  const selection = window.getSelection();
  if (!target || !selection) return false;
  const range = document.createRange();
  range.selectNodeContents(target);
  selection.removeAllRanges();
  selection.addRange(range);
  return true;
}

/** Copies `text`; on plain-HTTP pages or in in-app browsers without clipboard access it selects `targetId` instead. */
export function CopyButton({ text, targetId, label, testId }: { text: string; targetId: string; label?: string; testId?: string }) {
  const { messages } = useI18n();
  const t = messages.pay;
  const [state, setState] = useState<CopyState>("idle");

  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), CONFIRM_MS);
    return () => clearTimeout(timer);
  }, [state]);

  async function copy() {
    try {
      if (!navigator.clipboard) throw new Error("clipboard unavailable");
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      setState(selectText(targetId) ? "selected" : "idle");
    }
  }

  return (
    <>
      <button
        type="button"
        onClick={copy}
        data-testid={testId}
        aria-label={label ? undefined : `${t.copy} ${text}`}
        className={`shrink-0 rounded-lg border px-2.5 py-1 text-xs font-medium transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-600 ${
          state === "copied"
            ? "border-emerald-200 bg-emerald-50 text-emerald-800"
            : "border-slate-200 bg-white text-slate-700 hover:bg-slate-50"
        }`}
      >
        {state === "copied" ? t.copied : (label ?? t.copy)}
      </button>
      <span role="status" aria-live="polite" className="sr-only">
        {state === "copied" ? t.copied : state === "selected" ? t.copySelected : ""}
      </span>
      {state === "selected" ? (
        <span data-testid={testId ? `${testId}-hint` : undefined} aria-hidden="true" className="basis-full text-right text-xs text-amber-800">
          {t.copySelected}
        </span>
      ) : null}
    </>
  );
}
