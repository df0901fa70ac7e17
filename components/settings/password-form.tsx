"use client";

import { useState, type FormEvent } from "react";
import { appFetch } from "@/components/payments/app-api";
import { inputClass, primaryButton } from "@/components/settings/section";
import { useErrorText } from "@/components/ui/use-error-text";
import { useI18n } from "@/lib/i18n/client";

/** The signed-in user's own password change; the fields are cleared whatever the outcome. */
export function PasswordForm() {
  const { messages: t } = useI18n();
  const a = t.settings.account;
  const errorText = useErrorText();
  const [fields, setFields] = useState({ current: "", next: "", confirm: "" });
  const [state, setState] = useState<{ busy: boolean; error: string | null; saved: boolean }>({ busy: false, error: null, saved: false });

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (fields.next !== fields.confirm) {
      setState({ busy: false, error: a.mismatch, saved: false });
      return;
    }
    setState({ busy: true, error: null, saved: false });
    try {
      await appFetch("/api/app/account/password", { currentPassword: fields.current, newPassword: fields.next });
      setState({ busy: false, error: null, saved: true });
    } catch (err) {
      setState({ busy: false, error: errorText(err, { fallback: a.failed }), saved: false });
    }
    setFields({ current: "", next: "", confirm: "" });
  }

  const field = (key: keyof typeof fields, label: string, autoComplete: string, minLength: number) => (
    <label className="text-xs font-medium text-slate-600">
      {label}
      <input
        type="password"
        required
        minLength={minLength}
        maxLength={200}
        autoComplete={autoComplete}
        value={fields[key]}
        onChange={(e) => setFields((f) => ({ ...f, [key]: e.target.value }))}
        className={`mt-1 ${inputClass}`}
        data-testid={`password-${key}`}
      />
    </label>
  );

  return (
    <form onSubmit={submit} className="grid gap-3 px-4 py-4 sm:px-5 md:max-w-md" data-testid="password-form">
      {field("current", a.current, "current-password", 1)}
      {field("next", a.next, "new-password", 10)}
      {field("confirm", a.confirm, "new-password", 10)}
      <div className="flex flex-wrap items-center gap-2">
        <button type="submit" disabled={state.busy} className={primaryButton} data-testid="password-save">
          {a.save}
        </button>
        {state.error ? (
          <p role="alert" className="text-sm text-red-700" data-testid="password-error">
            {state.error}
          </p>
        ) : state.saved ? (
          <p role="status" className="text-sm text-emerald-700" data-testid="password-saved">
            {a.saved}
          </p>
        ) : null}
      </div>
    </form>
  );
}
