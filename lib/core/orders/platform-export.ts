import { MoneyFormatError, parseYuan, toYuanString } from "@/lib/core/money";
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
  /** Lines of orders already read (a 抖店 order's further sub-order rows): counted, not imported again. */
  skipped: number[];
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

/** A header cell as the file names the column, for messages (no BOM, Excel wrapper or padding). */
const headerName = (cell: string | undefined) => (cell ?? "").replace(/^\uFEFF/, "").replace(/^="?|"$/g, "").trim();

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

export type PlatformExportItem =
  | { order: PlatformOrder }
  | { rejected: { line: number; message: string } }
  /** A further line of an order already read, with the same amount (a sub-order row). */
  | { skipped: { line: number } };

export interface PlatformExportOptions {
  /**
   * Cells (CSV line → field indexes) that held, in the Excel workbook the CSV was made from, a whole number too long
   * for 15 digits: what the CSV shows is Excel's rounding, not what was typed.
   */
  roundedNumbers?: ReadonlyMap<number, readonly number[]>;
}

// An id Excel turned into a number and wrote back in its scientific form (6.92837E+18), as a CSV saved from Excel has it.
const SCIENTIFIC = /^\d(\.\d+)?E\+\d+$/i;

/** What to do about an id column Excel read as numbers: the ids are lost, only the person can paste them again as text. */
const idAsNumber = (column: string, id: string, what: string) =>
  `${column}: ${id} ${what}, so the order id is lost and not imported; the column must be text: in Excel, format the column as 文本 / Text before pasting the ids (or upload the platform's own export)`;

/**
 * Reads a Taobao/Tmall 订单报表 or a 抖店 订单导出 (already decoded text). Columns are found by name.
 * A 抖店 export lists one row per sub-order: rows of one 主订单编号 are one order, whose 订单应付金额
 * repeats on each row (taken once, not summed).
 */
export function parsePlatformOrders(text: string, format: PlatformFormat): PlatformParseResult {
  const orders: PlatformOrder[] = [];
  const rejected: { line: number; message: string }[] = [];
  const skipped: number[] = [];
  for (const item of iteratePlatformOrders([text], format)) {
    if ("order" in item) orders.push(item.order);
    else if ("skipped" in item) skipped.push(item.skipped.line);
    else rejected.push(item.rejected);
  }
  return { orders, rejected, skipped };
}

/**
 * {@link parsePlatformOrders} one order (or rejected or skipped line) at a time over text chunks, so an export of any length is
 * read in bounded memory: only the ids already seen (and their amounts) are kept, to take a 抖店 order's sub-order
 * rows once. Every data line comes out as an order, a rejected line or a skipped one, so the counts add up to the file.
 */
export function* iteratePlatformOrders(chunks: Iterable<string>, format: PlatformFormat, options: PlatformExportOptions = {}): Generator<PlatformExportItem> {
  let header: string[] | null = null;
  let cols: Record<keyof (typeof COLUMNS)["taobao"], number> | null = null;
  let idColumn = "";
  const seen = new Map<string, { amount: number; line: number }>();
  for (const { lineNo, fields } of readCsvChunks(chunks)) {
    if (isBlankRecord(fields)) continue;
    if (!header) {
      header = fields;
      cols = mapColumns(header, COLUMNS[format]);
      if (cols.id < 0 || cols.amount < 0) {
        throw new PlatformExportFormatError(`not a ${format} order export: no ${COLUMNS[format].id[0]} / ${COLUMNS[format].amount[0]} column`);
      }
      idColumn = headerName(header[cols.id]);
      continue;
    }
    const c = cols!;
    const get = (i: number) => (i >= 0 ? cellValue(fields[i]) : "");
    const amountColumn = COLUMNS[format].amount[0];
    let order: PlatformOrder;
    try {
      const id = get(c.id).replace(/^'/, "");
      // Before anything else: a rounded id can equal another order's rounded id, and would be taken for its sub-order row.
      if (options.roundedNumbers?.get(lineNo)?.includes(c.id)) {
        throw new Error(idAsNumber(idColumn, id, "is a number in the workbook, which Excel keeps to 15 digits"));
      }
      if (SCIENTIFIC.test(id)) throw new Error(idAsNumber(idColumn, `"${id}"`, "is a number Excel shortened"));
      if (!/^[0-9A-Za-z_-]{4,64}$/.test(id)) throw new Error(`order id: "${id}" is not a platform order number`);
      const first = seen.get(id);
      if (first) {
        // A 抖店 sub-order row repeats its order's amount (or leaves it blank): the order was read, the line is counted.
        const cell = get(c.amount);
        const amount = cell === "" ? first.amount : orderAmount(cell, amountColumn);
        if (amount !== first.amount) {
          throw new Error(
            `order id ${id}: ${amountColumn} ${toYuanString(amount)} differs from ${toYuanString(first.amount)} on line ${first.line}, which was imported: the lines of one order repeat its amount, so this line is not imported`,
          );
        }
        yield { skipped: { line: lineNo } };
        continue;
      }
      const status = get(c.status);
      const paid = get(c.paid);
      const discount = get(c.discount);
      const created = parseCnDateTime(get(c.createdAt));
      const paidAt = parseCnDateTime(get(c.paidAt));
      order = {
        lineNo,
        platformOrderId: id,
        amount: orderAmount(get(c.amount), amountColumn),
        paidAmount: paid ? money(paid, COLUMNS[format].paid[0]) : null,
        discountAmount: discount ? money(discount, COLUMNS[format].discount[0]) : null,
        platformStatus: status,
        closed: CLOSED.test(status),
        buyer: get(c.buyer) || null,
        title: get(c.title) || null,
        createdAt: created?.iso ?? null,
        paidAt: paidAt?.iso ?? null,
      };
      seen.set(id, { amount: order.amount, line: lineNo });
    } catch (err) {
      yield { rejected: { line: lineNo, message: (err as Error).message } };
      continue;
    }
    yield { order };
  }
  if (!header) throw new PlatformExportFormatError("the file is empty");
}
