"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { CopyButton } from "@/components/pay/copy-button";
import { appFetch } from "@/components/payments/app-api";
import { inputClass, primaryButton, quietButton } from "@/components/settings/section";
import { useErrorText } from "@/components/ui/use-error-text";
import { formatZoned } from "@/lib/core/time";
import { useI18n } from "@/lib/i18n/client";

interface KeyRow {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const TIME_ZONE = "Asia/Shanghai";
const when = (iso: string | null, none: string) => (iso ? formatZoned(new Date(iso), TIME_ZONE) : none);

/** Lists the keys; a new key's secret is shown here once, right after creation, and never again. */
export function ApiKeysManager({ keys }: { keys: KeyRow[] }) {
  const { messages: t } = useI18n();
  const k = t.settings.apiKeys;
  const router = useRouter();
  const errorText = useErrorText();
  const [name, setName] = useState("");
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await action();
      router.refresh();
    } catch (err) {
      setError(errorText(err, { fallback: k.failed }));
    } finally {
      setBusy(false);
    }
  }

  function create(e: FormEvent) {
    e.preventDefault();
    void run(async () => {
      const res = await appFetch<{ name: string; key: string }>("/api/app/api-keys", { name });
      setCreated({ name: res.name, key: res.key });
      setName("");
    });
  }

  return (
    <div className="space-y-4 px-4 py-4 sm:px-5">
      <form onSubmit={create} className="flex flex-wrap items-end gap-2">
        <label className="block min-w-56 flex-1 text-xs font-medium text-slate-600">
          {k.name}
          <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} placeholder={k.namePlaceholder} className={`mt-1 ${inputClass}`} data-testid="api-key-name" />
        </label>
        <button type="submit" disabled={busy} className={primaryButton} data-testid="api-key-create">
          {k.create}
        </button>
      </form>
      {error ? (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
      {created ? (
        <div role="status" className="space-y-2 rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm" data-testid="api-key-created">
          <p className="font-medium text-amber-900">{k.shownOnce}</p>
          <div className="flex flex-wrap items-center gap-2">
            <code id="new-api-key" className="break-all rounded bg-white px-2 py-1 font-mono text-xs" data-testid="api-key-secret">
              {created.key}
            </code>
            <CopyButton text={created.key} targetId="new-api-key" />
          </div>
        </div>
      ) : null}
      <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200">
        {keys.map((key) => (
          <li key={key.id} className="flex flex-wrap items-center justify-between gap-2 px-3 py-2.5 text-sm" data-testid={`api-key-${key.prefix}`}>
            <div>
              <p className="font-medium text-slate-900">
                {key.name} <code className="ml-1 font-mono text-xs text-slate-500">{key.prefix}…</code>
              </p>
              <p className="text-xs text-slate-500">
                {k.createdAt} {when(key.createdAt, k.never)} · {k.lastUsed} {when(key.lastUsedAt, k.never)}
              </p>
            </div>
            {key.revokedAt ? (
              <span className="text-xs text-slate-500">
                {k.revoked} {when(key.revokedAt, k.never)}
              </span>
            ) : confirming === key.id ? (
              <span className="flex gap-2">
                <button
                  type="button"
                  disabled={busy}
                  className={`${quietButton} text-red-700`}
                  data-testid="api-key-revoke-confirm"
                  onClick={() => void run(async () => void (await appFetch(`/api/app/api-keys/${key.id}`, undefined, "DELETE")))}
                >
                  {k.revokeConfirm}
                </button>
                <button type="button" className={quietButton} onClick={() => setConfirming(null)}>
                  {k.cancel}
                </button>
              </span>
            ) : (
              <button type="button" className={quietButton} data-testid="api-key-revoke" onClick={() => setConfirming(key.id)}>
                {k.revoke}
              </button>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
