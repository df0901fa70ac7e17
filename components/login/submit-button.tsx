"use client";

import { useFormStatus } from "react-dom";
import { useI18n } from "@/lib/i18n/client";

/** Disables itself while the sign-in request runs, so a slow password check is not submitted twice. */
export function LoginSubmitButton() {
  const { pending } = useFormStatus();
  const { messages: t } = useI18n();
  return (
    <button
      type="submit"
      data-testid="login-submit"
      disabled={pending}
      aria-disabled={pending}
      className="flex w-full items-center justify-center rounded-lg bg-teal-700 px-4 py-2.5 text-sm font-semibold text-white shadow-sm transition hover:bg-teal-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-600 disabled:cursor-wait disabled:opacity-70"
    >
      {pending ? t.login.submitting : t.login.submit}
    </button>
  );
}
