"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { appFetch } from "@/components/payments/app-api";
import { CredentialInputs } from "@/components/settings/channel-account-form";
import { primaryButton, quietButton } from "@/components/settings/section";
import { useErrorText } from "@/components/ui/use-error-text";
import { credentialsFromForm, type CredentialChannel } from "@/lib/core/channels/credential-fields";
import { useI18n } from "@/lib/i18n/client";

/**
 * An account's owner actions: renew its credentials (only the fields filled in change; the rest keep
 * their stored values) and disable it (after a confirmation: notifications then stop being taken)
 * or enable it again.
 */
export function ChannelAccountActions({ id, channel, disabled }: { id: string; channel: CredentialChannel; disabled: boolean }) {
  const { messages: t } = useI18n();
  const s = t.settings.channels;
  const router = useRouter();
  const errorText = useErrorText();
  const [mode, setMode] = useState<"idle" | "confirm-disable" | "renew">("idle");
  const [values, setValues] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: "error" | "done"; text: string } | null>(null);
  const url = `/api/app/channel-accounts/${id}`;
  const changes = credentialsFromForm(channel, values, { partial: true });

  async function run(body: unknown, done: string) {
    setBusy(true);
    setMessage(null);
    try {
      await appFetch(url, body, "PATCH");
      setMode("idle");
      setValues({});
      setMessage({ kind: "done", text: done });
      router.refresh();
    } catch (err) {
      setMessage({ kind: "error", text: errorText(err, { fallback: s.actionFailed }) });
    } finally {
      setBusy(false);
    }
  }

  function renew(e: FormEvent) {
    e.preventDefault();
    void run({ credentials: changes }, s.renewed);
  }

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-2">
        {disabled ? (
          <button type="button" disabled={busy} className={quietButton} data-testid="channel-account-enable" onClick={() => void run({ disabled: false }, s.enabled)}>
            {s.enable}
          </button>
        ) : mode === "confirm-disable" ? (
          <>
            <span className="text-xs text-slate-600">{s.disableHint}</span>
            <button type="button" disabled={busy} className={`${quietButton} text-red-700`} data-testid="channel-account-disable-confirm" onClick={() => void run({ disabled: true }, s.disabled)}>
              {s.disableConfirm}
            </button>
            <button type="button" className={quietButton} onClick={() => setMode("idle")}>
              {s.cancel}
            </button>
          </>
        ) : (
          <button type="button" className={quietButton} data-testid="channel-account-disable" onClick={() => setMode("confirm-disable")}>
            {s.disable}
          </button>
        )}
        <button type="button" className={quietButton} aria-expanded={mode === "renew"} data-testid="channel-account-renew" onClick={() => setMode(mode === "renew" ? "idle" : "renew")}>
          {s.renew}
        </button>
        {message ? (
          <p role={message.kind === "error" ? "alert" : "status"} className={`text-sm ${message.kind === "error" ? "text-red-700" : "text-emerald-700"}`} data-testid="channel-account-message">
            {message.text}
          </p>
        ) : null}
      </div>
      {mode === "renew" ? (
        <form onSubmit={renew} className="space-y-3 rounded-lg border border-slate-200 p-3" data-testid="channel-account-renew-form">
          <p className="text-xs text-slate-500">{s.renewHint}</p>
          <div className="grid gap-3 md:grid-cols-2">
            <CredentialInputs channel={channel} values={values} onChange={setValues} labels={s.add.fields} optionalLabel={s.add.optional} allOptional idPrefix={`renew-${id}`} />
          </div>
          <div className="flex gap-2">
            <button type="submit" disabled={busy || Object.keys(changes).length === 0} className={primaryButton} data-testid="channel-account-renew-save">
              {s.renewSubmit}
            </button>
            <button type="button" className={quietButton} onClick={() => setMode("idle")}>
              {s.cancel}
            </button>
          </div>
        </form>
      ) : null}
    </div>
  );
}
