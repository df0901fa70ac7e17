import { MoneyFormatError, parseYuan } from "@/lib/core/money";
import { cellValue, isBlankRecord, mapColumns, readCsvChunks } from "@/lib/core/statements/csv";
import { parseCnDateTime } from "@/lib/core/statements/time";

export type PlatformFormat = "taobao" | "douyin";

/** One order of a platform's export, in minor units and UTC. */
export interface PlatformOrder {
  lineNo: number;
  /** The platform's order id, kept as text (long digit strings do not survive as numbers). */
  platformOrderId: string;
  /** What the buyer owes for the order (before platform coupons): the order amount we expect to be paid. */
  amount: number;
  /** What the buyer actually paid, when the export says (after coupons/points). */
  paidAmount: number | null;
  /** Discounts the export states (coupons, platform subsidies), when it says. */
  discountAmount: number | null;
  platformStatus: string;
  /** The platform closed or cancelled the order: no money is expected. */
  closed: boolean;
  buyer: string | null;
  title: string | null;
  createdAt: string | null;
  paidAt: string | null;
}

export interface PlatformParseResult {
  orders: PlatformOrder[];
  rejected: { line: number; message: string }[];
}

export class PlatformExportFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlatformExportFormatError";
  }
}

// Column names as the exports print them (channels.md §7). Several are alternatives between versions.
const COLUMNS = {
  taobao: {
    id: ["订单编号", "订单号"],
    amount: ["总金额", "买家应付货款"],
    paid: ["买家实际支付金额", "实付金额"],
    discount: ["天猫卡券抵扣", "店铺优惠", "优惠金额"],
    status: ["订单状态"],
    buyer: ["买家会员名", "收货人姓名"],
    title: ["宝贝标题", "商品标题"],
    createdAt: ["订单创建时间", "创建时间"],
    paidAt: ["订单付款时间", "付款时间"],
  },
  douyin: {
    id: ["主订单编号", "订单编号"],
    amount: ["订单应付金额", "应付金额"],
    paid: ["实付金额", "支付金额"],
    // Unverified column names (channels.md §7): present in some 抖店 export versions.
    discount: ["优惠总金额", "平台优惠"],
    status: ["订单状态"],
    buyer: ["收件人", "买家昵称"],
    title: ["选购商品", "商品名称"],
    createdAt: ["订单提交时间", "下单时间"],
    paidAt: ["支付完成时间", "付款时间"],
  },
} as const;

const CLOSED = /关闭|取消|已退款|交易失败/;

function money(cell: string, field: string): number {
  try {
    return parseYuan(cell.replace(/^[¥￥]/, ""));
  } catch (err) {
    if (err instanceof MoneyFormatError) throw new Error(`${field}: "${cell}" is not an amount`);
    throw err;
  }
}

/** The order amount: what the order asks to be paid, so (as at checkout) more than zero. */
function orderAmount(cell: string, field: string): number {
  const fen = money(cell, field);
  // A refund or adjustment line, or a zero-priced gift order, is not an order we can match money to.
  if (fen <= 0) throw new Error(`${field}: "${cell}" is not a positive amount (an order must ask for money)`);
  return fen;
}

export type PlatformExportItem = { order: PlatformOrder } | { rejected: { line: number; message: string } };

/**
 * Reads a Taobao/Tmall 订单报表 or a 抖店 订单导出 (already decoded text). Columns are found by name.
 * A 抖店 export lists one row per sub-order: rows of one 主订单编号 are one order, whose 订单应付金额
 * repeats on each row (taken once, not summed).
 */
export function parsePlatformOrders(text: string, format: PlatformFormat): PlatformParseResult {
  const orders: PlatformOrder[] = [];
  const rejected: { line: number; message: string }[] = [];
  for (const item of iteratePlatformOrders([text], format)) {
    if ("order" in item) orders.push(item.order);
    else rejected.push(item.rejected);
  }
  return { orders, rejected };
}

/**
 * {@link parsePlatformOrders} one order (or rejected line) at a time over text chunks, so an export of any length is
 * read in bounded memory: only the ids already seen are kept, to take a 抖店 order's sub-order rows once.
 */
export function* iteratePlatformOrders(chunks: Iterable<string>, format: PlatformFormat): Generator<PlatformExportItem> {
  let header: string[] | null = null;
  let cols: Record<keyof (typeof COLUMNS)["taobao"], number> | null = null;
  const seen = new Set<string>();
  for (const { lineNo, fields } of readCsvChunks(chunks)) {
    if (isBlankRecord(fields)) continue;
    if (!header) {
      header = fields;
      cols = mapColumns(header, COLUMNS[format]);
      if (cols.id < 0 || cols.amount < 0) {
        throw new PlatformExportFormatError(`not a ${format} order export: no ${COLUMNS[format].id[0]} / ${COLUMNS[format].amount[0]} column`);
      }
      continue;
    }
    const c = cols!;
    const get = (i: number) => (i >= 0 ? cellValue(fields[i]) : "");
    let order: PlatformOrder;
    try {
      const id = get(c.id).replace(/^'/, "");
      if (!/^[0-9A-Za-z_-]{4,64}$/.test(id)) throw new Error(`order id: "${id}" is not a platform order number`);
      if (seen.has(id)) continue;
      const status = get(c.status);
      const paid = get(c.paid);
      const discount = get(c.discount);
      const created = parseCnDateTime(get(c.createdAt));
      const paidAt = parseCnDateTime(get(c.paidAt));
      order = {
        lineNo,
        platformOrderId: id,
        amount: orderAmount(get(c.amount), COLUMNS[format].amount[0]),
        paidAmount: paid ? money(paid, COLUMNS[format].paid[0]) : null,
        discountAmount: discount ? money(discount, COLUMNS[format].discount[0]) : null,
        platformStatus: status,
        closed: CLOSED.test(status),
        buyer: get(c.buyer) || null,
        title: get(c.title) || null,
        createdAt: created?.iso ?? null,
        paidAt: paidAt?.iso ?? null,
      };
      seen.add(id);
    } catch (err) {
      yield { rejected: { line: lineNo, message: (err as Error).message } };
      continue;
    }
    yield { order };
  }
  if (!header) throw new PlatformExportFormatError("the file is empty");
}
