type Tone = "green" | "amber" | "sky" | "orange" | "red" | "slate";

const TONES: Record<Tone, string> = {
  green: "bg-emerald-50 text-emerald-800 ring-emerald-600/25",
  amber: "bg-amber-50 text-amber-800 ring-amber-600/30",
  sky: "bg-sky-50 text-sky-800 ring-sky-600/25",
  orange: "bg-orange-50 text-orange-800 ring-orange-600/30",
  red: "bg-red-50 text-red-800 ring-red-600/25",
  slate: "bg-slate-100 text-slate-700 ring-slate-500/25",
};

// Tones follow what the merchant has to do: green = done, amber = waiting, orange/red = needs a look.
const ORDER_TONES: Record<string, Tone> = {
  pending: "amber",
  partially_paid: "sky",
  paid: "green",
  overpaid: "orange",
  partially_refunded: "sky",
  refunded: "slate",
  closed: "slate",
};

const PAYMENT_TONES: Record<string, Tone> = {
  matched: "green",
  partially_matched: "sky",
  suggested: "amber",
  unmatched: "red",
  ignored: "slate",
};

function Badge({ tone, children }: { tone: Tone; children: string }) {
  return (
    <span
      className={`inline-flex items-center whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${TONES[tone]}`}
    >
      {children}
    </span>
  );
}

export function OrderStatusBadge({ status, label }: { status: string; label: string }) {
  return <Badge tone={ORDER_TONES[status] ?? "slate"}>{label}</Badge>;
}

export function PaymentStatusBadge({ status, label }: { status: string; label: string }) {
  return <Badge tone={PAYMENT_TONES[status] ?? "slate"}>{label}</Badge>;
}
