"use client";

import Link from "next/link";
import { buildFundChart } from "@/lib/core/board/fund-chart";
import { minorDigits } from "@/lib/core/money";
import { formatMoney } from "@/lib/i18n/money";
import { useI18n, useTranslations } from "@/lib/i18n/client";
import { labelOf, type Locale } from "@/lib/i18n/messages";
import type { Board } from "@/lib/services/board";

// Fixed hues per channel so a colour keeps its meaning across days and visits.
const FILL: Record<string, string> = {
  alipay: "fill-sky-500",
  wechatpay: "fill-emerald-500",
  unionpay: "fill-rose-500",
  douyin: "fill-slate-800",
  stripe: "fill-indigo-500",
  paypal: "fill-blue-800",
  bank: "fill-amber-500",
  other: "fill-slate-400",
};
const fillOf = (channel: string) => FILL[channel] ?? "fill-slate-400";

const trimmed = (n: number) => n.toFixed(1).replace(/\.0$/, "");

/**
 * Compact axis money in the reader's units: Chinese counts in 万 and 亿 (¥1万, ¥1.5万, ¥3,000 below
 * ten thousand), English in k and M (¥1.5k, ¥12k). Amounts are minor units; an axis never needs them.
 * Another currency than yuan is prefixed with its code (USD 1.5k), never a ¥.
 */
export function axisMoney(minor: number, locale: Locale, currency = "CNY"): string {
  const code = currency.toUpperCase();
  const units = Math.abs(minor) / 10 ** minorDigits(code);
  const sign = minor < 0 ? "-" : "";
  const prefix = code === "CNY" ? "¥" : `${code} `;
  if (locale === "en") {
    if (units >= 1_000_000) return `${sign}${prefix}${trimmed(units / 1_000_000)}M`;
    if (units >= 10_000) return `${sign}${prefix}${(units / 1000).toFixed(0)}k`;
    if (units >= 1_000) return `${sign}${prefix}${trimmed(units / 1000)}k`;
    return `${sign}${prefix}${Math.round(units)}`;
  }
  if (units >= 100_000_000) return `${sign}${prefix}${trimmed(units / 100_000_000)}亿`;
  if (units >= 10_000) return `${sign}${prefix}${trimmed(units / 10_000)}万`;
  return `${sign}${prefix}${Math.round(units).toLocaleString("en-US")}`;
}

// Two drawings rather than one scaled SVG: a 720-unit chart shrunk onto a phone would shrink its
// labels to unreadable sizes, so phones get a narrower geometry with the same type size.
const SIZES = [
  { width: 720, height: 220, className: "hidden sm:block" },
  { width: 360, height: 200, className: "sm:hidden" },
];

/** Daily net by channel for the last days of the board, each segment a link to that day's payments. */
export function FundChart({ daily, days, currency }: { daily: Board["daily"]; days: number; currency: string }) {
  const { messages: t } = useI18n();
  const b = t.board;
  const tb = useTranslations("board");
  const shown = daily.days.slice(-days);
  const series = daily.series.map((s) => ({ channel: s.channel, values: s.values.slice(-days) }));
  return (
    <figure className="space-y-3 px-4 py-4 sm:px-5" data-testid="fund-chart">
      {SIZES.map((size) => (
        <ChartSvg key={size.width} days={shown} series={series} currency={currency} {...size} title={tb("chartTitle", { days })} />
      ))}
      <figcaption>
        <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600" aria-label={b.chartLegend}>
          {series.map((s) => (
            <li key={s.channel} className="inline-flex items-center gap-1.5">
              <svg viewBox="0 0 10 10" className="size-2.5" aria-hidden="true">
                <rect width="10" height="10" rx="2" className={fillOf(s.channel)} />
              </svg>
              {labelOf(t.channels, s.channel)}
            </li>
          ))}
          {series.length === 0 ? <li>{b.chartEmpty}</li> : null}
        </ul>
      </figcaption>
    </figure>
  );
}

function ChartSvg({
  days,
  series,
  currency,
  width,
  height,
  className,
  title,
}: {
  days: string[];
  currency: string;
  series: { channel: string; values: number[] }[];
  width: number;
  height: number;
  className: string;
  title: string;
}) {
  const { messages: t, locale } = useI18n();
  const chart = buildFundChart({ days, series, width, height, padding: { left: width < 500 ? 48 : 64, right: 8, top: 8, bottom: 24 } });
  const titleId = `fund-chart-title-${width}`;
  return (
    <svg viewBox={`0 0 ${width} ${height}`} className={`h-auto w-full ${className}`} role="group" aria-labelledby={titleId}>
      <title id={titleId}>{title}</title>
      {chart.yTicks.map((tick) => (
        <g key={tick.value} aria-hidden="true">
          <line x1={chart.plot.left} x2={chart.plot.right} y1={tick.y} y2={tick.y} className="stroke-slate-200" strokeWidth={1} />
          <text x={chart.plot.left - 6} y={tick.y + 4} textAnchor="end" className="fill-slate-500 text-[11px] tabular-nums">
            {axisMoney(tick.value, locale, currency)}
          </text>
        </g>
      ))}
      <line x1={chart.plot.left} x2={chart.plot.right} y1={chart.zeroY} y2={chart.zeroY} className="stroke-slate-400" strokeWidth={1} aria-hidden="true" />
      {chart.bars.map((bar) => {
        const label = `${bar.day} ${labelOf(t.channels, bar.channel)} ${formatMoney(bar.value, currency, locale)}`;
        return (
          <Link
            key={`${bar.day}-${bar.channel}`}
            href={`/payments?view=all&channel=${bar.channel}&from=${bar.day}&to=${bar.day}`}
            aria-label={label}
            className="focus-visible:outline-none [&:focus-visible>rect]:stroke-teal-700 [&:focus-visible>rect]:stroke-2"
          >
            <rect x={bar.x} y={bar.y} width={bar.width} height={Math.max(bar.height, 1)} rx={2} className={`${fillOf(bar.channel)} hover:opacity-80`}>
              <title>{label}</title>
            </rect>
          </Link>
        );
      })}
      {chart.xLabels.map((l) => (
        <text key={l.day} x={l.x} y={height - 6} textAnchor="middle" className="fill-slate-500 text-[11px] tabular-nums" aria-hidden="true">
          {l.day.slice(5)}
        </text>
      ))}
    </svg>
  );
}
