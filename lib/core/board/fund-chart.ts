// Geometry of the board's fund-summary chart: one stacked bar per day, one segment per channel.
// Pure so the SVG component only draws, and the arithmetic (negative days, empty ranges, tick
// spacing) is unit-tested without a browser.

export interface FundSeries {
  channel: string;
  /** Net fen per day, aligned with `days`. */
  values: number[];
}

export interface FundChartInput {
  days: string[];
  series: FundSeries[];
  width: number;
  height: number;
  /** Room left for the y-axis labels and the x-axis labels. */
  padding?: { left: number; right: number; top: number; bottom: number };
}

export interface FundBar {
  day: string;
  channel: string;
  value: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FundChart {
  width: number;
  height: number;
  bars: FundBar[];
  /** Per-day net over every channel, for labels and the accessible table. */
  dayTotals: { day: string; value: number; x: number }[];
  yTicks: { value: number; y: number }[];
  /** A label every few days so they never overlap, always including the last day. */
  xLabels: { day: string; x: number }[];
  zeroY: number;
  plot: { left: number; right: number; top: number; bottom: number };
}

const DEFAULT_PADDING = { left: 64, right: 8, top: 8, bottom: 24 };

/** A "nice" step (1, 2 or 5 × 10^n fen) that splits `span` into at most `maxTicks` intervals. */
export function niceStep(span: number, maxTicks: number): number {
  if (span <= 0) return 100;
  const raw = span / maxTicks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * magnitude >= raw) return Math.max(1, m * magnitude);
  return 10 * magnitude;
}

export function buildFundChart(input: FundChartInput): FundChart {
  const pad = input.padding ?? DEFAULT_PADDING;
  const plot = { left: pad.left, right: input.width - pad.right, top: pad.top, bottom: input.height - pad.bottom };
  const n = input.days.length;
  const pos = input.days.map((_, i) => input.series.reduce((s, c) => s + Math.max(0, c.values[i] ?? 0), 0));
  const neg = input.days.map((_, i) => input.series.reduce((s, c) => s + Math.min(0, c.values[i] ?? 0), 0));
  const rawMax = Math.max(0, ...pos);
  const rawMin = Math.min(0, ...neg);
  // An empty range still gets a ¥0–¥1 axis rather than a division by zero.
  const step = niceStep(rawMax - rawMin || 100, 4);
  const max = Math.max(step, Math.ceil(rawMax / step) * step);
  const min = Math.floor(rawMin / step) * step;
  const plotHeight = plot.bottom - plot.top;
  const yOf = (v: number) => plot.top + ((max - v) / (max - min)) * plotHeight;
  const slot = n > 0 ? (plot.right - plot.left) / n : 0;
  const barWidth = Math.max(1, slot * 0.7);
  const xOf = (i: number) => plot.left + i * slot + (slot - barWidth) / 2;

  const bars: FundBar[] = [];
  input.days.forEach((day, i) => {
    let up = 0;
    let down = 0;
    for (const s of input.series) {
      const value = s.values[i] ?? 0;
      if (value === 0) continue;
      const from = value > 0 ? up : down;
      const to = from + value;
      if (value > 0) up = to;
      else down = to;
      const y = yOf(Math.max(from, to));
      bars.push({ day, channel: s.channel, value, x: xOf(i), y, width: barWidth, height: yOf(Math.min(from, to)) - y });
    }
  });
  const yTicks = [];
  for (let v = min; v <= max; v += step) yTicks.push({ value: v, y: yOf(v) });
  const every = Math.max(1, Math.ceil(n / 7));
  const xLabels = input.days
    .map((day, i) => ({ day, x: xOf(i) + barWidth / 2, i }))
    .filter(({ i }) => (n - 1 - i) % every === 0)
    .map(({ day, x }) => ({ day, x }));
  return {
    width: input.width,
    height: input.height,
    bars,
    dayTotals: input.days.map((day, i) => ({ day, value: pos[i] + neg[i], x: xOf(i) + barWidth / 2 })),
    yTicks,
    xLabels,
    zeroY: yOf(0),
    plot,
  };
}
