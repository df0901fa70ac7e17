import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  real,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

/** Money columns: integer minor units (fen); JS numbers are exact up to 2^53. */
const money = (name: string) => bigint(name, { mode: "number" });
const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const tstz = (name: string) => timestamp(name, { withTimezone: true });

export const channelEnum = pgEnum("channel", [
  "alipay",
  "wechatpay",
  "unionpay",
  "douyin",
  "stripe",
  "paypal",
  "bank",
  "other",
  "doudian",
]);
export const orderSourceEnum = pgEnum("order_source", ["douyin", "taobao", "miniprogram", "pos", "web", "other"]);
export const orderStatusEnum = pgEnum("order_status", [
  "pending",
  "partially_paid",
  "paid",
  "overpaid",
  "partially_refunded",
  "refunded",
  "closed",
]);
export const paymentStatusEnum = pgEnum("payment_status", [
  "matched",
  "partially_matched",
  "suggested",
  "unmatched",
  "ignored",
]);
export const paymentOriginEnum = pgEnum("payment_origin", ["notify", "statement", "bill", "manual"]);
export const userRoleEnum = pgEnum("user_role", ["owner", "accountant", "viewer"]);
export const anomalyStatusEnum = pgEnum("anomaly_status", ["open", "acknowledged", "resolved"]);
export const severityEnum = pgEnum("severity", ["low", "medium", "high"]);

export const merchants = pgTable("merchants", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  timezone: text("timezone").notNull().default("Asia/Shanghai"),
  currency: text("currency").notNull().default("CNY"),
  /** Minutes an unpaid order stays open (checkout may override per order). */
  orderTtlMinutes: integer("order_ttl_minutes").notNull().default(60 * 24),
  unmatchedThresholdMinutes: integer("unmatched_threshold_minutes").notNull().default(60 * 24),
  settings: jsonb("settings").$type<Record<string, unknown>>().notNull().default({}),
  createdAt: createdAt(),
});

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    merchantId: uuid("merchant_id")
      .notNull()
      .references(() => merchants.id),
    email: text("email").notNull(),
    name: text("name"),
    passwordHash: text("password_hash").notNull(),
    role: userRoleEnum("role").notNull().default("owner"),
    failedLogins: integer("failed_logins").notNull().default(0),
    lockedUntil: tstz("locked_until"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("users_email_key").on(t.email)],
);

export const apiKeys = pgTable(
  "api_keys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    merchantId: uuid("merchant_id")
      .notNull()
      .references(() => merchants.id),
    name: text("name").notNull(),
    /** First characters of the key, shown in lists so a merchant can tell keys apart. */
    prefix: text("prefix").notNull(),
    /** SHA-256 of the whole key; the key itself is shown once and never stored. */
    keyHash: text("key_hash").notNull(),
    createdAt: createdAt(),
    lastUsedAt: tstz("last_used_at"),
    revokedAt: tstz("revoked_at"),
  },
  (t) => [uniqueIndex("api_keys_hash_key").on(t.keyHash), index("api_keys_merchant_idx").on(t.merchantId)],
);

export const channelAccounts = pgTable(
  "channel_accounts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    merchantId: uuid("merchant_id")
      .notNull()
      .references(() => merchants.id),
    channel: channelEnum("channel").notNull(),
    name: text("name").notNull(),
    /** Encrypted JSON of the write-only credentials (see lib/crypto/secrets). */
    credentialsEnc: text("credentials_enc").notNull(),
    /** Non-secret identifiers (appId, mchId, account number mask…) used for checks and display. */
    publicConfig: jsonb("public_config").$type<Record<string, string>>().notNull().default({}),
    lastNotifiedAt: tstz("last_notified_at"),
    disabledAt: tstz("disabled_at"),
    createdAt: createdAt(),
  },
  (t) => [
    index("channel_accounts_merchant_idx").on(t.merchantId),
  ],
);

export const orders = pgTable(
  "orders",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    merchantId: uuid("merchant_id")
      .notNull()
      .references(() => merchants.id),
    /** Our check-charactered reference; globally unique so a memo can never point at two merchants. */
    reference: text("reference").notNull(),
    orderNo: text("order_no").notNull(),
    source: orderSourceEnum("source").notNull(),
    amount: money("amount").notNull(),
    currency: text("currency").notNull().default("CNY"),
    status: orderStatusEnum("status").notNull().default("pending"),
    paidAmount: money("paid_amount").notNull().default(0),
    refundedAmount: money("refunded_amount").notNull().default(0),
    /** Accepted shortfall (coupon, fee, rounding) that still settles the order. */
    writtenOffAmount: money("written_off_amount").notNull().default(0),
    /**
     * What the customer is asked to transfer when checkout gave the order a unique amount: the amount
     * less a tail of a few fen no other open order of the merchant asks (null: the amount itself).
     */
    payableAmount: money("payable_amount"),
    preferredChannel: channelEnum("preferred_channel"),
    description: text("description"),
    customerName: text("customer_name"),
    customerPhoneEnc: text("customer_phone_enc"),
    returnUrl: text("return_url"),
    platformOrderId: text("platform_order_id"),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    expiresAt: tstz("expires_at"),
    paidAt: tstz("paid_at"),
    closedAt: tstz("closed_at"),
    createdAt: createdAt(),
    updatedAt: tstz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("orders_reference_key").on(t.reference),
    uniqueIndex("orders_merchant_source_order_no_key").on(t.merchantId, t.source, t.orderNo),
    index("orders_merchant_created_idx").on(t.merchantId, t.createdAt),
    // A memo naming an order number, folded as orderNumberKey folds it (merchantOrdersWithNumbers). Imported
    // and pushed platform orders carry the platform's number as their orderNo.
    index("orders_merchant_order_no_key_idx").on(t.merchantId, sql`regexp_replace(upper(${t.orderNo}), '[^0-9A-Z]', '', 'g')`),
    // The few orders settled with a write-off, for the report's write-offs by cause; paying an order
    // leaves written_off_amount alone, so the bulk UPDATE stays a HOT one.
    index("orders_merchant_written_off_idx")
      .on(t.merchantId)
      .where(sql`${t.writtenOffAmount} <> 0`),
    // No index may name status, paid_amount, paid_at or updated_at: paying an order then rewrites its
    // row in place (a HOT update, in the room fillfactor 50 leaves on each page, migration 0008)
    // instead of adding a new entry to every index. Open orders are found through open_orders.
  ],
);

/**
 * The orders still open for money (pending, partially paid), kept by statement-level triggers on
 * orders (migration open_orders), so every write path keeps it right. Reference-less matching reads
 * a merchant's open orders in a time window from here; a status index on orders would instead turn
 * every paid order into a new row version with an entry in each of its indexes.
 */
export const openOrders = pgTable(
  "open_orders",
  {
    orderId: uuid("order_id").primaryKey(),
    merchantId: uuid("merchant_id").notNull(),
    createdAt: tstz("created_at").notNull(),
    /** orders.payable_amount, kept here so checkout finds the tails taken and matching the order a transfer's amount names. */
    payableAmount: money("payable_amount"),
    /** orders.amount: checkout gives no unique amount that another open order asks in full. */
    amount: money("amount").notNull(),
  },
  (t) => [
    index("open_orders_merchant_created_idx").on(t.merchantId, t.createdAt),
    index("open_orders_merchant_payable_idx")
      .on(t.merchantId, t.payableAmount)
      .where(sql`${t.payableAmount} is not null`),
    index("open_orders_merchant_full_amount_idx")
      .on(t.merchantId, t.amount)
      .where(sql`${t.payableAmount} is null`),
  ],
);

export const statements = pgTable(
  "statements",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    merchantId: uuid("merchant_id")
      .notNull()
      .references(() => merchants.id),
    channelAccountId: uuid("channel_account_id").references(() => channelAccounts.id),
    format: text("format").notNull(),
    fileSha256: text("file_sha256").notNull(),
    lineCount: integer("line_count").notNull().default(0),
    imported: integer("imported").notNull().default(0),
    duplicates: integer("duplicates").notNull().default(0),
    rejected: jsonb("rejected").$type<{ line: number; message: string }[]>().notNull().default([]),
    /** Names of the line fields its payments keep in details.raw as values only (lib/core/statements/raw.ts). */
    rawColumns: jsonb("raw_columns").$type<string[]>(),
    createdAt: createdAt(),
  },
  (t) => [index("statements_merchant_idx").on(t.merchantId)],
);

export interface Explanation {
  zh: string;
  en: string;
}
export interface Suggestion {
  references: string[];
  confidence: number;
  explanation: Explanation;
  /** What confirming the suggestion allocates (fen per reference). */
  allocations?: { reference: string; amount: number }[];
  /** How the engine found it (amount_payer, typo_reference…). */
  method?: string;
}

export const payments = pgTable(
  "payments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    // References checked set-based, once per statement, by triggers (migration 0009_set_based_references)
    // instead of foreign keys, which check and lock row by row: (channel account, merchant) must be an
    // account of the merchant, statement_id a statement; referenced rows cannot be deleted; these keys never change.
    merchantId: uuid("merchant_id").notNull(),
    channelAccountId: uuid("channel_account_id").notNull(),
    channel: channelEnum("channel").notNull(),
    origin: paymentOriginEnum("origin").notNull(),
    channelTransactionId: text("channel_transaction_id").notNull(),
    /** One key across notify and bill so the same money is never recorded twice. */
    dedupeKey: text("dedupe_key").notNull(),
    /** Our reference as the channel returned it (raw); matching normalises it. */
    reference: text("reference"),
    amount: money("amount").notNull(),
    currency: text("currency").notNull().default("CNY"),
    receivedAt: tstz("received_at").notNull(),
    payerName: text("payer_name"),
    payerAccountEnc: text("payer_account_enc"),
    payerAccountMasked: text("payer_account_masked"),
    memo: text("memo"),
    status: paymentStatusEnum("status").notNull().default("unmatched"),
    allocatedAmount: money("allocated_amount").notNull().default(0),
    refundedAmount: money("refunded_amount").notNull().default(0),
    matchMethod: text("match_method"),
    confidence: real("confidence"),
    explanation: jsonb("explanation").$type<Explanation>(),
    suggestions: jsonb("suggestions").$type<Suggestion[]>().notNull().default([]),
    /** A person decided this payment's allocations: automatic matching never overrides them. */
    manuallyDecided: boolean("manually_decided").notNull().default(false),
    /** Set once matching has looked at the payment; null rows are picked up again after a crash. */
    matchCheckedAt: tstz("match_checked_at"),
    statementId: uuid("statement_id"),
    confirmedByBillAt: tstz("confirmed_by_bill_at"),
    /** The bill import that confirmed a notified payment (listed with that file's payments). Set once, with the stamp above. */
    confirmedByStatementId: uuid("confirmed_by_statement_id"),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("payments_account_dedupe_key").on(t.channelAccountId, t.dedupeKey),
    index("payments_merchant_received_idx").on(t.merchantId, t.receivedAt),
    // Keyset pages of a status or a channel + status filter start at the cursor instead of scanning past newer rows.
    index("payments_merchant_status_received_idx").on(t.merchantId, t.status, t.receivedAt, t.id),
    index("payments_merchant_channel_status_received_idx").on(t.merchantId, t.channel, t.status, t.receivedAt, t.id),
    // Pending payments: the list's default view in keyset order, and the board's pending money from the
    // index alone (drizzle has no INCLUDE: the summed columns trail the key).
    index("payments_merchant_pending_idx")
      .on(t.merchantId, t.receivedAt, t.id, t.amount, t.allocatedAmount, t.currency)
      .where(sql`${t.status} in ('unmatched', 'suggested')`),
    // A file's payments in file order (an import's "what became of my lines"). Its lines get ascending time-ordered
    // ids, so an import appends at the right edge of its statement's range; keyed on received_at instead, each line
    // lands on a random page of that range, which cost a 300k-line import 10–20 %. Partial: notifies carry no statement.
    index("payments_statement_idx")
      .on(t.statementId, t.id)
      .where(sql`${t.statementId} is not null`),
    // The notified payments a bill confirmed (listed with that bill's own lines).
    index("payments_confirmed_by_statement_idx")
      .on(t.confirmedByStatementId, t.id)
      .where(sql`${t.confirmedByStatementId} is not null`),
    // What is left to handle of each file (the import history's count, the file's pending list). Bulk-matched lines
    // are inserted matched, so a large import adds few entries here.
    index("payments_statement_pending_idx")
      .on(t.statementId, t.id)
      .where(sql`${t.status} in ('unmatched', 'suggested') and ${t.statementId} is not null`),
    index("payments_unchecked_idx")
      .on(t.createdAt)
      .where(sql`${t.matchCheckedAt} is null`),
    // The transactions of a batch recorded one by one (camt.054), by the key of the batch's total line
    // (camt.053): an import of the total finds them here. Partial: only such transactions carry it.
    index("payments_batch_key_idx")
      .on(t.channelAccountId, sql`(${t.details}->>'batchKey')`)
      .where(sql`${t.details} ? 'batchKey'`),
  ],
);

/**
 * Per-merchant payment totals in 15-minute UTC slots, kept by statement-level triggers on payments
 * (migration payment_slot_totals_triggers), so every write path keeps them right. Every zone offset
 * is a multiple of 15 minutes, so slots add up into any merchant's local days. Kept per currency: the
 * board adds up the merchant's own currency and lists the others apart. `stripe` spreads
 * concurrent writers over several rows (pg_backend_pid() % 8); readers sum over it.
 */
export const paymentSlotTotals = pgTable(
  "payment_slot_totals",
  {
    merchantId: uuid("merchant_id")
      .notNull()
      .references(() => merchants.id, { onDelete: "cascade" }),
    slotStart: tstz("slot_start").notNull(),
    channel: channelEnum("channel").notNull(),
    currency: text("currency").notNull(),
    status: paymentStatusEnum("status").notNull(),
    stripe: smallint("stripe").notNull(),
    count: bigint("count", { mode: "number" }).notNull(),
    grossAmount: money("gross_amount").notNull(),
    refundedAmount: money("refunded_amount").notNull(),
  },
  (t) => [primaryKey({ columns: [t.merchantId, t.slotStart, t.channel, t.currency, t.status, t.stripe] })],
);

/**
 * Per-merchant refund totals in the same 15-minute UTC slots, dated when the money went back (the
 * report's cash basis), with the channel and currency of the payment refunded; kept by statement-level
 * triggers on refunds (migration refund_slot_totals). The board's refunds and net read these.
 */
export const refundSlotTotals = pgTable(
  "refund_slot_totals",
  {
    merchantId: uuid("merchant_id")
      .notNull()
      .references(() => merchants.id, { onDelete: "cascade" }),
    slotStart: tstz("slot_start").notNull(),
    channel: channelEnum("channel").notNull(),
    currency: text("currency").notNull(),
    stripe: smallint("stripe").notNull(),
    amount: money("amount").notNull(),
  },
  (t) => [primaryKey({ columns: [t.merchantId, t.slotStart, t.channel, t.currency, t.stripe] })],
);

export const allocations = pgTable(
  "allocations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    // The payment's merchant, copied for tenant filters; the payment's own key vouches for it.
    merchantId: uuid("merchant_id").notNull(),
    // Payment and order are checked set-based by a trigger, as on payments (migration 0009_set_based_references).
    paymentId: uuid("payment_id").notNull(),
    orderId: uuid("order_id").notNull(),
    amount: money("amount").notNull(),
    method: text("method").notNull(),
    confidence: real("confidence").notNull().default(1),
    /** "system", or the user id of a manual decision. */
    createdBy: text("created_by").notNull().default("system"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("allocations_payment_order_key").on(t.paymentId, t.orderId),
    index("allocations_order_idx").on(t.orderId),
  ],
);

export const refunds = pgTable(
  "refunds",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    merchantId: uuid("merchant_id")
      .notNull()
      .references(() => merchants.id),
    paymentId: uuid("payment_id")
      .notNull()
      .references(() => payments.id),
    orderId: uuid("order_id").references(() => orders.id),
    channelRefundId: text("channel_refund_id").notNull(),
    amount: money("amount").notNull(),
    refundedAt: tstz("refunded_at").notNull(),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("refunds_payment_channel_refund_key").on(t.paymentId, t.channelRefundId),
    index("refunds_order_idx").on(t.orderId),
    // The refunds list: a merchant's refunds newest first, keyset-paged on (refunded_at, id).
    index("refunds_merchant_refunded_idx").on(t.merchantId, t.refundedAt, t.id),
  ],
);

export const webhookEvents = pgTable(
  "webhook_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    merchantId: uuid("merchant_id")
      .notNull()
      .references(() => merchants.id),
    channelAccountId: uuid("channel_account_id")
      .notNull()
      .references(() => channelAccounts.id),
    channel: channelEnum("channel").notNull(),
    /** The channel's idempotency key for this notification (e.g. trade_no + status + refund). */
    eventKey: text("event_key").notNull(),
    rawBody: text("raw_body").notNull(),
    headers: jsonb("headers").$type<Record<string, string>>().notNull().default({}),
    outcome: text("outcome"),
    receivedAt: tstz("received_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("webhook_events_account_event_key").on(t.channelAccountId, t.eventKey)],
);

/** Notifications that failed verification: evidence for the signature_failures anomaly, never money. */
export const rejectedNotifications = pgTable(
  "rejected_notifications",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    merchantId: uuid("merchant_id")
      .notNull()
      .references(() => merchants.id),
    channelAccountId: uuid("channel_account_id")
      .notNull()
      .references(() => channelAccounts.id),
    reason: text("reason").notNull(),
    bodySha256: text("body_sha256").notNull(),
    receivedAt: tstz("received_at").notNull().defaultNow(),
  },
  (t) => [index("rejected_notifications_account_idx").on(t.channelAccountId, t.receivedAt)],
);

export const anomalies = pgTable(
  "anomalies",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    merchantId: uuid("merchant_id")
      .notNull()
      .references(() => merchants.id),
    kind: text("kind").notNull(),
    severity: severityEnum("severity").notNull().default("medium"),
    status: anomalyStatusEnum("status").notNull().default("open"),
    /** What the anomaly is about, e.g. "payment:<id>"; one open anomaly per subject and kind. */
    subjectKey: text("subject_key").notNull(),
    paymentId: uuid("payment_id").references(() => payments.id),
    orderId: uuid("order_id").references(() => orders.id),
    message: text("message").notNull(),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    assignedTo: uuid("assigned_to").references(() => users.id),
    detectedAt: tstz("detected_at").notNull().defaultNow(),
    acknowledgedAt: tstz("acknowledged_at"),
    acknowledgedBy: text("acknowledged_by"),
    resolvedAt: tstz("resolved_at"),
    resolvedBy: text("resolved_by"),
    resolutionNote: text("resolution_note"),
  },
  (t) => [
    uniqueIndex("anomalies_open_subject_key")
      .on(t.merchantId, t.kind, t.subjectKey)
      .where(sql`${t.status} <> 'resolved'`),
    index("anomalies_merchant_status_idx").on(t.merchantId, t.status),
  ],
);

/** Per-merchant ordered rules: amount tolerances and anomaly handling. */
export const rules = pgTable(
  "rules",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    merchantId: uuid("merchant_id")
      .notNull()
      .references(() => merchants.id),
    kind: text("kind").notNull(),
    position: integer("position").notNull(),
    name: text("name").notNull(),
    enabled: boolean("enabled").notNull().default(true),
    conditions: jsonb("conditions").$type<Record<string, unknown>>().notNull().default({}),
    actions: jsonb("actions").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [index("rules_merchant_kind_idx").on(t.merchantId, t.kind, t.position)],
);

/** Learned payer identities (account/name → customer) that later scoring trusts. */
export const payerAliases = pgTable(
  "payer_aliases",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    merchantId: uuid("merchant_id")
      .notNull()
      .references(() => merchants.id),
    payerKey: text("payer_key").notNull(),
    customerName: text("customer_name").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("payer_aliases_key").on(t.merchantId, t.payerKey)],
);

export const storefrontWebhooks = pgTable("storefront_webhooks", {
  merchantId: uuid("merchant_id")
    .primaryKey()
    .references(() => merchants.id),
  url: text("url").notNull(),
  secretEnc: text("secret_enc").notNull(),
  createdAt: createdAt(),
});

/** Outbound events to the merchant's storefront: rows, not memory, so a restart loses none. */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    merchantId: uuid("merchant_id")
      .notNull()
      .references(() => merchants.id),
    eventId: text("event_id").notNull(),
    type: text("type").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    status: text("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: tstz("next_attempt_at").notNull().defaultNow(),
    lastError: text("last_error"),
    deliveredAt: tstz("delivered_at"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_event_key").on(t.eventId),
    index("webhook_deliveries_due_idx").on(t.status, t.nextAttemptAt),
  ],
);

/** Append-only, hash-chained per merchant: every money-affecting change leaves one. */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    merchantId: uuid("merchant_id")
      .notNull()
      .references(() => merchants.id),
    actorType: text("actor_type").notNull(),
    actorId: text("actor_id"),
    action: text("action").notNull(),
    subjectType: text("subject_type").notNull(),
    subjectId: text("subject_id").notNull(),
    before: jsonb("before").$type<Record<string, unknown> | null>(),
    after: jsonb("after").$type<Record<string, unknown> | null>(),
    prevHash: text("prev_hash"),
    // Both null while the event waits to be linked (notifies insert unchained; the chainer links them right after commit).
    hash: text("hash"),
    /** The event's place in its merchant's chain, from 1; the order the hashes link in (ids may commit out of order). */
    chainSeq: bigint("chain_seq", { mode: "number" }),
    createdAt: createdAt(),
  },
  (t) => [
    index("audit_events_merchant_idx").on(t.merchantId, t.id),
    // The log's date filter: a day's events without walking back through every newer one.
    index("audit_events_merchant_created_idx").on(t.merchantId, t.createdAt),
    uniqueIndex("audit_events_chain_key").on(t.merchantId, t.chainSeq),
    index("audit_events_unchained_idx").on(t.merchantId, t.id).where(sql`${t.chainSeq} is null`),
    index("audit_events_subject_idx").on(t.merchantId, t.subjectType, t.subjectId),
    // An order's fund trail finds the payments whose allocation to it was later removed.
    index("audit_events_removed_allocation_idx")
      .on(t.merchantId, sql`(${t.before} ->> 'orderId')`)
      .where(sql`${t.action} = 'allocation.removed'`),
  ],
);

export type Merchant = typeof merchants.$inferSelect;
export type User = typeof users.$inferSelect;
export type ChannelAccount = typeof channelAccounts.$inferSelect;
export type Order = typeof orders.$inferSelect;
export type NewOrder = typeof orders.$inferInsert;
export type Payment = typeof payments.$inferSelect;
export type NewPayment = typeof payments.$inferInsert;
export type Allocation = typeof allocations.$inferSelect;
export type Refund = typeof refunds.$inferSelect;
export type AuditEvent = typeof auditEvents.$inferSelect;
export type OrderStatus = (typeof orderStatusEnum.enumValues)[number];
export type PaymentStatus = (typeof paymentStatusEnum.enumValues)[number];
export type Channel = (typeof channelEnum.enumValues)[number];
export type OrderSource = (typeof orderSourceEnum.enumValues)[number];
