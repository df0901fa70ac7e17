"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { appFetch, focusRing } from "@/components/payments/app-api";
import { useErrorText } from "@/components/ui/use-error-text";
import { ROLES, type Role } from "@/lib/core/roles";
import { formatZoned } from "@/lib/core/time";
import { useI18n, useTranslations } from "@/lib/i18n/client";
import type { Member } from "@/lib/services/team";
import { cellClass as td, DataTable } from "@/components/ui/data-table";

const TIME_ZONE = "Asia/Shanghai";
const KEY = ["app-team"];
const field = `rounded-md border border-slate-300 px-3 py-1.5 text-sm text-slate-900 ${focusRing}`;

/** A password the server generated for a member (on adding them, or on a reset), shown until it no longer applies. */
interface OneTime {
  kind: "initial" | "reset";
  userId: string;
  email: string;
  password: string;
}

/** The owner's view of the team: change roles, remove members, add one with a password shown once. */
export function TeamSettings({ currentUserId, initialMembers }: { currentUserId: string; initialMembers: Member[] }) {
  const { messages: t } = useI18n();
  const m = t.team;
  const tm = useTranslations("team");
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: KEY, queryFn: () => appFetch<{ data: Member[] }>("/api/app/team"), initialData: { data: initialMembers } });
  const refresh = () => queryClient.invalidateQueries({ queryKey: KEY });
  // The last action's failure only: a later action, whichever it is, clears it.
  const [failure, setFailure] = useState<unknown>(null);
  const [oneTime, setOneTime] = useState<OneTime | null>(null);
  const change = useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: Role }) => appFetch(`/api/app/team/${userId}`, { role }, "PATCH"),
    onMutate: () => setFailure(null),
    onError: setFailure,
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: (userId: string) => appFetch(`/api/app/team/${userId}`, undefined, "DELETE"),
    onMutate: () => setFailure(null),
    onError: setFailure,
    // A removed member's one-time password signs no one in any more: it leaves the page with them.
    onSuccess: (_, userId) => setOneTime((shown) => (shown?.userId === userId ? null : shown)),
    onSettled: refresh,
  });
  const reset = useMutation({
    mutationFn: (userId: string) => appFetch<{ member: Member; initialPassword: string }>(`/api/app/team/${userId}/password`, {}),
    onMutate: () => setFailure(null),
    onError: setFailure,
    onSuccess: ({ member, initialPassword }) => setOneTime({ kind: "reset", userId: member.userId, email: member.email, password: initialPassword }),
  });
  const busy = change.isPending || remove.isPending || reset.isPending;

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{m.heading}</h1>
        <p className="mt-1 text-sm text-slate-500">{m.subheading}</p>
      </div>
      {failure ? (
        <p role="alert" data-testid="team-error" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-inset ring-red-600/25">
          {errorText(failure)}
        </p>
      ) : null}
      {oneTime?.kind === "reset" ? <OneTimePassword testId="team-new-password" label={tm("newPassword", { email: oneTime.email })} password={oneTime.password} /> : null}
      <section className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm">
        <DataTable
          data-testid="team-table"
          columns={[
            { label: m.email },
            { label: m.name },
            { label: m.role },
            { label: m.addedAt },
            { label: m.actions },
          ]}
        >
          {query.data.data.map((member) => (
            <tr key={member.userId} data-testid={`team-row-${member.email}`}>
              <td className={`${td} text-slate-900`}>
                {member.email}
                {member.userId === currentUserId ? <span className="ml-1 text-xs text-slate-500">({m.you})</span> : null}
              </td>
              <td className={`${td} text-slate-700`}>{member.name ?? "—"}</td>
              <td className={td}>
                <select
                  aria-label={`${m.role} ${member.email}`}
                  value={member.role}
                  disabled={busy}
                  data-testid={`team-role-${member.email}`}
                  onChange={(e) => change.mutate({ userId: member.userId, role: e.target.value as Role })}
                  className={field}
                >
                  {ROLES.map((role) => (
                    <option key={role} value={role}>
                      {t.roles[role]}
                    </option>
                  ))}
                </select>
              </td>
              <td className={`${td} whitespace-nowrap tabular-nums text-slate-600`}>
                <time dateTime={member.createdAt}>{formatZoned(new Date(member.createdAt), TIME_ZONE)}</time>
              </td>
              <td className={`${td} whitespace-nowrap space-x-2`}>
                {/* One's own password is changed on the account page, with the current one: no reset here. */}
                {member.userId === currentUserId ? null : (
                  <button
                    type="button"
                    disabled={busy}
                    data-testid={`team-reset-${member.email}`}
                    onClick={() => window.confirm(tm("resetConfirm", { email: member.email })) && reset.mutate(member.userId)}
                    className={`rounded-md px-3 py-1.5 text-sm font-medium text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 disabled:opacity-50 ${focusRing}`}
                  >
                    {m.resetPassword}
                  </button>
                )}
                <button
                  type="button"
                  disabled={busy}
                  data-testid={`team-remove-${member.email}`}
                  onClick={() => window.confirm(tm("removeConfirm", { email: member.email })) && remove.mutate(member.userId)}
                  className={`rounded-md px-3 py-1.5 text-sm font-medium text-red-700 ring-1 ring-inset ring-red-600/25 hover:bg-red-50 disabled:opacity-50 ${focusRing}`}
                >
                  {m.remove}
                </button>
              </td>
            </tr>
          ))}
        </DataTable>
      </section>
      <AddMemberForm
        created={oneTime?.kind === "initial" ? oneTime : null}
        onAdded={async ({ member, initialPassword }) => {
          // A new one-time password replaces whatever was shown; a member added with a chosen password has none to show.
          setOneTime(initialPassword ? { kind: "initial", userId: member.userId, email: member.email, password: initialPassword } : null);
          await refresh();
        }}
      />
    </div>
  );
}

function AddMemberForm({ created, onAdded }: { created: OneTime | null; onAdded: (result: { member: Member; initialPassword?: string }) => Promise<void> }) {
  const { messages: t } = useI18n();
  const m = t.team;
  const tm = useTranslations("team");
  const errorText = useErrorText();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("accountant");
  const [password, setPassword] = useState("");
  const add = useMutation({
    mutationFn: () =>
      appFetch<{ member: Member; initialPassword?: string }>("/api/app/team", {
        email,
        role,
        ...(name.trim() ? { name } : {}),
        ...(password ? { password } : {}),
      }),
    onSuccess: async (result) => {
      setEmail("");
      setName("");
      setPassword("");
      await onAdded(result);
    },
  });
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    add.mutate();
  }

  return (
    <section className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5">
      <h2 className="text-base font-semibold text-slate-900">{m.addHeading}</h2>
      <form onSubmit={submit} data-testid="team-add-form" className="mt-3 flex flex-wrap items-end gap-3">
        <label className="block text-xs text-slate-500">
          {m.email}
          <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} data-testid="team-add-email" className={`mt-1 block w-64 ${field}`} />
        </label>
        <label className="block text-xs text-slate-500">
          {m.name}
          <input value={name} onChange={(e) => setName(e.target.value)} data-testid="team-add-name" className={`mt-1 block w-40 ${field}`} />
        </label>
        <label className="block text-xs text-slate-500">
          {m.role}
          <select value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="team-add-role" className={`mt-1 block ${field}`}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t.roles[r]}
              </option>
            ))}
          </select>
        </label>
        <label className="block text-xs text-slate-500">
          {m.password}
          <input type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} data-testid="team-add-password" className={`mt-1 block w-64 ${field}`} />
        </label>
        <button
          type="submit"
          disabled={add.isPending}
          data-testid="team-add-submit"
          className={`rounded-md bg-teal-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-teal-800 disabled:opacity-50 ${focusRing}`}
        >
          {add.isPending ? m.working : m.add}
        </button>
      </form>
      {add.error ? (
        <p role="alert" data-testid="team-add-error" className="mt-3 text-sm text-red-700">
          {errorText(add.error)}
        </p>
      ) : null}
      {created ? (
        <div className="mt-3">
          <OneTimePassword testId="team-initial-password" label={tm("initialPassword", { email: created.email })} password={created.password} />
        </div>
      ) : null}
    </section>
  );
}

/** A password the server generated and will never show again. */
function OneTimePassword({ testId, label, password }: { testId: string; label: string; password: string }) {
  return (
    <p data-testid={testId} className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-inset ring-amber-600/30">
      {label} <code data-testid={`${testId}-value`} className="font-mono font-semibold">{password}</code>
    </p>
  );
}
