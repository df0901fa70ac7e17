"use client";

import { useId, useState, type ReactNode } from "react";
import { CopyButton } from "@/components/pay/copy-button";
import { transferSlipText } from "@/components/pay/transfer-slip";
import { useI18n, useTranslations } from "@/lib/i18n/client";
import { labelOf } from "@/lib/i18n/messages";
import { formatMoney } from "@/lib/i18n/money";
import type { PayBankChannel, PayChannel, PayWalletChannel } from "@/lib/services/pay-page";

/** Bank transfer first: it is the one channel the customer can complete from this page alone. */
function defaultChoice(channels: PayChannel[]): number {
  const bank = channels.findIndex((c) => c.channel === "bank");
  return bank >= 0 ? bank : 0;
}

/**
 * The merchant's channels and, for the chosen one, how to pay. `qrSvgs` maps a transfer slip's text to its QR
 * (rendered on the server); a slip whose amount or account changed since the page loaded has no entry, so no
 * stale QR is ever shown.
 */
export function PayChannels({
  channels,
  amount,
  currency,
  uniqueTail = 0,
  returnUrl,
  qrSvgs,
}: {
  channels: PayChannel[];
  amount: number;
  /** The order's currency: every amount here is in its minor units. */
  currency: string;
  /** The discount of the unique amount asked for (0: none): the transfer's amount then names the order. */
  uniqueTail?: number;
  returnUrl: string | null;
  qrSvgs: Record<string, string>;
}) {
  const { messages } = useI18n();
  const t = messages.pay;
  const [chosen, setChosen] = useState(() => defaultChoice(channels));
  const headingId = useId();
  if (channels.length === 0) return null;
  const current = channels[Math.min(chosen, channels.length - 1)];

  return (
    <section data-testid="pay-channels" aria-labelledby={headingId} className="border-t border-slate-100 px-6 py-5">
      <h2 id={headingId} className="text-sm font-medium text-slate-700">
        {t.chooseChannel}
      </h2>
      <div role="radiogroup" aria-labelledby={headingId} className="mt-3 grid grid-cols-2 gap-2">
        {channels.map((channel, i) => {
          const selected = channel === current;
          return (
            <button
              key={`${channel.channel}-${i}`}
              type="button"
              role="radio"
              aria-checked={selected}
              data-testid="pay-channel-option"
              data-channel={channel.channel}
              onClick={() => setChosen(i)}
              className={`flex min-h-12 flex-col items-start justify-center rounded-xl border px-3 py-2 text-left transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-600 ${
                selected ? "border-teal-600 bg-teal-50 ring-1 ring-teal-600" : "border-slate-200 bg-white hover:bg-slate-50"
              }`}
            >
              <span className={`text-sm font-medium ${selected ? "text-teal-900" : "text-slate-900"}`}>
                {labelOf(messages.channels, channel.channel)}
              </span>
              {channel.channel === "bank" ? <span className="mt-0.5 line-clamp-1 text-xs text-slate-500">{channel.bankName}</span> : null}
            </button>
          );
        })}
      </div>
      <div className="mt-4">
        {current.channel === "bank" ? (
          <BankInstructions bank={current} amount={amount} currency={currency} uniqueTail={uniqueTail} qrSvgs={qrSvgs} />
        ) : (
          <WalletInstructions wallet={current} returnUrl={returnUrl} />
        )}
      </div>
    </section>
  );
}

function BankInstructions({
  bank,
  amount,
  currency,
  uniqueTail,
  qrSvgs,
}: {
  bank: PayBankChannel;
  amount: number;
  currency: string;
  uniqueTail: number;
  qrSvgs: Record<string, string>;
}) {
  const { messages, locale } = useI18n();
  const t = messages.pay;
  const tp = useTranslations("pay");
  const money = (minor: number) => formatMoney(minor, currency, locale);
  const slip = transferSlipText(bank, amount, currency);
  const qr = qrSvgs[slip];
  const ids = useId();
  const accountNoId = `${ids}-account-no`;
  const memoId = `${ids}-memo`;
  const slipId = `${ids}-slip`;

  return (
    <div data-testid="pay-bank">
      <p className="text-sm text-slate-600">{t.bankHint}</p>
      <dl className="mt-3 divide-y divide-slate-100 rounded-xl border border-slate-200 px-3 text-sm">
        {bank.accountName ? (
          <Field label={t.bankAccountName}>
            <span data-testid="pay-bank-account-name">{bank.accountName}</span>
          </Field>
        ) : null}
        <Field label={t.bankAccountNo} action={<CopyButton text={bank.accountNo} targetId={accountNoId} testId="pay-copy-account" />}>
          <span id={accountNoId} data-testid="pay-bank-account-no" className="break-all font-mono tabular-nums">
            {bank.accountNo}
          </span>
        </Field>
        <Field label={t.bankName}>
          <span data-testid="pay-bank-name">{bank.bankName}</span>
        </Field>
        <Field label={t.transferAmount}>
          <span data-testid="pay-transfer-amount" className="font-semibold tabular-nums">
            {money(amount)}
          </span>
        </Field>
        <Field label={t.memo} action={<CopyButton text={bank.memo} targetId={memoId} testId="pay-copy-memo" />}>
          <span id={memoId} data-testid="pay-memo" className="font-mono text-base font-semibold tracking-wider text-slate-900">
            {bank.memo}
          </span>
        </Field>
      </dl>
      {uniqueTail > 0 ? (
        <p data-testid="pay-unique-amount" className="mt-2 rounded-lg bg-amber-50 px-3 py-2 text-xs text-amber-900">
          {tp("uniqueAmountHint", { amount: money(amount), tail: money(uniqueTail), memo: bank.memo })}
        </p>
      ) : (
        <p className="mt-2 rounded-lg bg-amber-50 px-3 py-2 text-xs text-amber-900">{tp("memoWarning", { memo: bank.memo })}</p>
      )}

      {qr ? (
        <figure className="mt-4 flex flex-col items-center">
          <div
            data-testid="pay-qr"
            role="img"
            aria-label={t.qrAlt}
            className="size-44 rounded-lg border border-slate-200 bg-white p-1 [&>svg]:size-full"
            // The SVG is produced on our server by the qrcode library from our own text: path data only, no markup from users.
            dangerouslySetInnerHTML={{ __html: qr }}
          />
          <figcaption className="mt-2 max-w-xs text-center text-xs text-slate-500">{t.qrCaption}</figcaption>
        </figure>
      ) : null}

      <pre id={slipId} className="sr-only">
        {slip}
      </pre>
      <div className="mt-4 flex flex-wrap justify-center gap-2">
        <CopyButton text={slip} targetId={slipId} label={t.copyAll} testId="pay-copy-all" />
      </div>
    </div>
  );
}

function WalletInstructions({ wallet, returnUrl }: { wallet: PayWalletChannel; returnUrl: string | null }) {
  const { messages } = useI18n();
  const t = messages.pay;
  const tp = useTranslations("pay");
  const channel = labelOf(messages.channels, wallet.channel);
  return (
    <div data-testid="pay-wallet">
      <p className="text-sm text-slate-600">{tp(returnUrl ? "walletHint" : "walletNoReturn", { channel })}</p>
      {returnUrl ? (
        <a
          href={returnUrl}
          data-testid="pay-channel-return"
          className="mt-3 flex w-full items-center justify-center rounded-xl border border-teal-700 px-4 py-2.5 text-sm font-semibold text-teal-800 hover:bg-teal-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-600"
        >
          {t.returnToPay}
        </a>
      ) : null}
    </div>
  );
}

function Field({ label, action, children }: { label: string; action?: ReactNode; children: ReactNode }) {
  return (
    <div className="flex items-start gap-3 py-2.5">
      <dt className="w-[4.5rem] shrink-0 pt-0.5 text-slate-500">{label}</dt>
      <dd className="flex min-w-0 flex-1 flex-wrap items-center justify-end gap-x-2 gap-y-1 text-right text-slate-900">
        <span className="min-w-0">{children}</span>
        {action}
      </dd>
    </div>
  );
}
