// Payer names arrive as the bank or channel spells them (全角/半角, spaces, "上海恒达贸易有限公司")
// while orders carry what the shop knows ("恒达贸易", "张 三"). Comparison reduces both to a core
// and says how they agree, so the explanation can tell the merchant which kind of agreement it was.

// Longest first: "股份有限公司" must win over "有限公司" and "公司".
const COMPANY_SUFFIXES = ["股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "合伙企业", "经营部", "工作室", "商行", "集团", "公司"];

// Provinces, municipalities and the larger cities a company name commonly starts with.
const PLACES = [
  "北京", "上海", "天津", "重庆", "广州", "深圳", "杭州", "成都", "南京", "武汉", "西安", "苏州", "郑州", "长沙", "东莞",
  "青岛", "沈阳", "宁波", "昆明", "合肥", "佛山", "福州", "厦门", "济南", "无锡", "大连", "哈尔滨", "长春", "温州", "石家庄",
  "南宁", "贵阳", "南昌", "太原", "兰州", "乌鲁木齐", "呼和浩特", "海口", "义乌", "金华", "泉州", "珠海", "中山", "惠州",
  "广东", "浙江", "江苏", "山东", "河南", "河北", "湖南", "湖北", "四川", "福建", "安徽", "江西", "辽宁", "吉林", "黑龙江",
  "山西", "陕西", "云南", "贵州", "广西", "海南", "甘肃", "青海", "宁夏", "新疆", "西藏", "内蒙古",
].sort((a, b) => b.length - a.length);

const PUNCTUATION = /[\s·•・.,，。、'"“”‘’()（）[\]【】\-_/\\]+/g;

/** A name reduced for comparison: full form, and for companies the place prefix and legal suffix split off. */
export interface NormalizedPayerName {
  /** NFKC, lower case, no spaces or punctuation. */
  full: string;
  /** `full` without place prefix and company suffix; equals `full` for a person. */
  core: string;
  place: string | null;
  isCompany: boolean;
  /** The name was masked by the channel (张*, *三). */
  masked: boolean;
}

// Matching compares every payment's payer with hundreds of candidates' names, and the same few
// thousand names come back again and again: each is reduced once. Bounded, so a long-running
// process does not grow with every name it has seen.
const reduced = new Map<string, Readonly<NormalizedPayerName> | null>();
const REDUCED_LIMIT = 50_000;

/** Reduces a payer or customer name for comparison; null when nothing is left. The result is shared: do not modify it. */
export function normalizePayerName(raw: string | null | undefined): Readonly<NormalizedPayerName> | null {
  if (!raw) return null;
  let hit = reduced.get(raw);
  if (hit === undefined) {
    hit = reduce(raw);
    if (reduced.size >= REDUCED_LIMIT) reduced.clear();
    reduced.set(raw, hit);
  }
  return hit;
}

function reduce(raw: string): Readonly<NormalizedPayerName> | null {
  const text = raw.normalize("NFKC").toLowerCase();
  const full = text.replace(PUNCTUATION, "");
  if (!full) return null;
  // 恒达贸易(上海)有限公司 is the same company as 上海恒达贸易有限公司: a place in brackets is a place prefix.
  const bracketed = /\(\s*([^()]+?)\s*\)/.exec(text);
  const bracketedPlace = bracketed ? PLACES.find((c) => bracketed[1].replace(/[市省]$/, "") === c) ?? null : null;
  const unbracketed = bracketedPlace ? text.replace(bracketed![0], "").replace(PUNCTUATION, "") : full;
  const suffix = COMPANY_SUFFIXES.find((s) => unbracketed.endsWith(s) && unbracketed.length > s.length);
  const isCompany = suffix !== undefined;
  let core = isCompany ? unbracketed.slice(0, -suffix.length) : full;
  let place = isCompany ? bracketedPlace : null;
  // A place prefix is only split off company names: 周杭州 is a person, 杭州恒达贸易 is a company.
  if (!place && (isCompany || core.length >= 5)) {
    const p = PLACES.find((c) => core.startsWith(c) && core.length - c.length >= 2);
    if (p) {
      place = p;
      core = core.slice(p.length).replace(/^[市省]/, "");
    }
  }
  return Object.freeze({ full, core, place, isCompany, masked: /\*/.test(full) });
}

// Payment institutions and clearing houses that show up as the payer on a bank statement: for a channel's
// settlement (提现, 结算) of many payments, and for a customer's transfer routed through them.
const PAYMENT_INSTITUTIONS = ["支付宝", "财付通", "网联清算", "银联商务", "中国银联", "抖音支付", "拉卡拉", "通联支付", "快钱支付", "易宝支付", "汇付天下", "连连银通", "网银在线", "京东支付"];
const FOREIGN_PROCESSORS = /^(stripe|paypal|adyen)/;

/** The payer is a payment institution (支付宝（中国）网络技术有限公司, 财付通支付科技有限公司, Stripe…), not a person or a customer's company. */
export function isPaymentInstitution(raw: string | null | undefined): boolean {
  const name = normalizePayerName(raw);
  if (!name) return false;
  return FOREIGN_PROCESSORS.test(name.full) || (name.isCompany && PAYMENT_INSTITUTIONS.some((n) => name.core.includes(n)));
}

/** How a payer name agrees with an order's customer name. */
export type NameAgreement = "exact" | "alias" | "company_core" | "masked" | "partial" | "different" | "unknown";

/** Score of each kind of agreement: only ≥ 0.9 is strong enough to let an amount match stand on its own. */
export const NAME_SCORES: Record<NameAgreement, number> = {
  exact: 1,
  alias: 1,
  company_core: 0.9,
  masked: 0.6,
  partial: 0.6,
  different: 0,
  unknown: 0,
};

function maskedMatches(masked: string, plain: string): boolean {
  if (masked.length !== plain.length) return false;
  for (let i = 0; i < masked.length; i++) if (masked[i] !== "*" && masked[i] !== plain[i]) return false;
  return true;
}

/** Compares two names (payer vs customer) without aliases. */
export function compareNames(payer: string | null | undefined, customer: string | null | undefined): NameAgreement {
  const a = normalizePayerName(payer);
  const b = normalizePayerName(customer);
  if (!a || !b) return "unknown";
  if (a.full === b.full) return "exact";
  if (a.masked || b.masked) {
    const [m, p] = a.masked ? [a.full, b.full] : [b.full, a.full];
    return maskedMatches(m, p) ? "masked" : "different";
  }
  // Two different explicit places name two different companies (上海恒达 ≠ 杭州恒达).
  if (a.place && b.place && a.place !== b.place) return "different";
  if (a.core === b.core && a.core.length >= 2) return "company_core";
  if (a.isCompany || b.isCompany) {
    const [short, long] = a.core.length <= b.core.length ? [a.core, b.core] : [b.core, a.core];
    if (short.length >= 4 && long.includes(short)) return "partial";
  }
  return "different";
}

/**
 * Best agreement between a payment's payer and an order's customer, using learned aliases
 * (payer key → customer name a person confirmed before) as well as the names themselves.
 */
export function payerAgreement(
  payerName: string | null,
  aliasNames: readonly string[],
  customerName: string | null,
): NameAgreement {
  const direct = compareNames(payerName, customerName);
  if (direct === "exact") return direct;
  const customer = normalizePayerName(customerName);
  if (customer && aliasNames.some((n) => normalizePayerName(n)?.full === customer.full)) return "alias";
  return direct;
}

/** The shortest core two names can share in part (compareNames' "partial"). */
const PARTIAL_MIN = 4;

function piecesOf(core: string, into: (piece: string) => boolean | void): boolean {
  for (let i = 0; i + PARTIAL_MIN <= core.length; i++) {
    for (let j = i + PARTIAL_MIN; j <= core.length; j++) if (into(core.slice(i, j)) === true) return true;
  }
  return false;
}

/**
 * A cheap test that passes every customer name at least one of `names` (payers and their learned
 * aliases) could agree with in any way payerAgreement knows (exact, alias, masked, company core,
 * partial), and fails most others: to read whole only the orders whose name can weigh in a decision.
 */
export function couldAgreeWithAny(names: readonly (string | null)[]): (customerName: string | null) => boolean {
  const payers = names.map(normalizePayerName).filter((n): n is Readonly<NormalizedPayerName> => n !== null);
  const anyMasked = payers.some((p) => p.masked);
  const fulls = new Set(payers.map((p) => p.full));
  const cores = new Set(payers.map((p) => p.core));
  const longCores = new Set(payers.map((p) => p.core).filter((c) => c.length >= PARTIAL_MIN));
  const pieces = new Set<string>();
  for (const core of longCores) piecesOf(core, (piece) => void pieces.add(piece));
  return (customerName) => {
    const c = normalizePayerName(customerName);
    if (!c) return false;
    if (anyMasked || c.masked || fulls.has(c.full) || cores.has(c.core)) return true;
    // One core inside the other: the customer's among a payer's pieces, or a payer's among the customer's.
    return c.core.length >= PARTIAL_MIN && (pieces.has(c.core) || piecesOf(c.core, (piece) => longCores.has(piece)));
  };
}
