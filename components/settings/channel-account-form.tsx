"use client";

import { useState, type FormEvent } from "react";
import { appFetch } from "@/components/payments/app-api";
import { SaveRow, useSave } from "@/components/settings/save-state";
import { inputClass } from "@/components/settings/section";
import { CREDENTIAL_FIELDS, credentialsFromForm, type CredentialChannel, type CredentialField } from "@/lib/core/channels/credential-fields";
import { labelOf } from "@/lib/i18n/messages";
import { useI18n } from "@/lib/i18n/client";

const CHANNELS = Object.keys(CREDENTIAL_FIELDS) as CredentialChannel[];

/**
 * One input per credential field of `channel` (a textarea for keys and certificates, a blind input
 * for secrets). `allOptional` is the renewal form's: every field may stay empty, keeping its value.
 */
export function CredentialInputs(props: {
  channel: CredentialChannel;
  values: Record<string, string>;
  onChange: (values: Record<string, string>) => void;
  labels: Record<string, string>;
  optionalLabel: string;
  allOptional?: boolean;
  idPrefix?: string;
}) {
  const { channel, values, labels, optionalLabel, allOptional = false, idPrefix = "credential" } = props;
  return CREDENTIAL_FIELDS[channel].map((f: CredentialField) => {
    const optional = allOptional || f.optional;
    const common = {
      id: `${idPrefix}-${f.key}`,
      required: !optional,
      value: values[f.key] ?? "",
      autoComplete: "off",
      spellCheck: false,
      className: `mt-1 ${inputClass} font-mono`,
      "data-testid": `${allOptional ? "renew-credential" : "channel-credential"}-${f.key}`,
      onChange: (e: { target: { value: string } }) => props.onChange({ ...values, [f.key]: e.target.value }),
    };
    return (
      <label key={f.key} htmlFor={common.id} className={`text-xs font-medium text-slate-600 ${f.kind === "pem" ? "md:col-span-2" : ""}`}>
        {labels[f.key] ?? f.key}
        {f.optional && !allOptional ? <span className="ml-1 font-normal text-slate-400">{optionalLabel}</span> : null}
        {f.kind === "pem" ? <textarea {...common} rows={4} /> : <input {...common} type={f.kind === "secret" ? "password" : "text"} />}
      </label>
    );
  });
}

/**
 * Adds a channel account: the channel, a name and the channel's credentials, checked by the server
 * (key material included) before anything is stored. Credentials are write-only: the form empties
 * after a save and the page lists the new account with its notification URL.
 */
export function ChannelAccountForm() {
  const { messages: t } = useI18n();
  const a = t.settings.channels.add;
  const [channel, setChannel] = useState<CredentialChannel>("alipay");
  const [name, setName] = useState("");
  const [values, setValues] = useState<Record<string, string>>({});
  const { state, save } = useSave(a.failed);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const credentials = credentialsFromForm(channel, values);
    if (await save(() => appFetch("/api/app/channel-accounts", { channel, name, credentials }))) {
      setName("");
      setValues({});
    }
  }

  return (
    <form onSubmit={submit} className="space-y-3 border-t border-slate-100 px-4 py-4 sm:px-5" data-testid="channel-account-form">
      <div>
        <h3 className="text-sm font-semibold text-slate-900">{a.heading}</h3>
        <p className="mt-0.5 text-xs text-slate-500">{a.hint}</p>
      </div>
      <div className="grid gap-3 md:grid-cols-2">
        <label className="text-xs font-medium text-slate-600">
          {a.channel}
          <select
            value={channel}
            onChange={(e) => {
              setChannel(e.target.value as CredentialChannel);
              setValues({});
            }}
            className={`mt-1 ${inputClass}`}
            data-testid="channel-account-channel"
          >
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {labelOf(t.channels, c)}
              </option>
            ))}
          </select>
        </label>
        <label className="text-xs font-medium text-slate-600">
          {a.name}
          <input
            required
            maxLength={100}
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder={a.namePlaceholder}
            className={`mt-1 ${inputClass}`}
            data-testid="channel-account-name"
          />
        </label>
        <CredentialInputs channel={channel} values={values} onChange={setValues} optionalLabel={a.optional} labels={a.fields} />
      </div>
      <SaveRow state={state} label={a.submit} saved={a.added} testId="channel-account-add" />
    </form>
  );
}
