-- payment_slot_totals per currency: the board adds up the merchant's own currency and lists the others
-- apart, instead of summing yuan and dollars into one figure. The totals are derived from payments, so
-- the table is rebuilt (column in key order) and backfilled; the triggers and functions of
-- 0004_payment_slot_totals_triggers are recreated with the currency in every group.
DROP TRIGGER "payment_slot_totals_insert" ON "payments";--> statement-breakpoint
DROP TRIGGER "payment_slot_totals_update" ON "payments";--> statement-breakpoint
DROP TRIGGER "payment_slot_totals_delete" ON "payments";--> statement-breakpoint
DROP TRIGGER "payment_slot_totals_truncate" ON "payments";--> statement-breakpoint
DROP FUNCTION payment_slot_totals_apply();--> statement-breakpoint
DROP FUNCTION payment_slot_totals_truncate();--> statement-breakpoint
DROP FUNCTION payment_slot_totals_add(payment_slot_totals[]);--> statement-breakpoint
DROP TABLE "payment_slot_totals";--> statement-breakpoint
CREATE TABLE "payment_slot_totals" (
	"merchant_id" uuid NOT NULL,
	"slot_start" timestamp with time zone NOT NULL,
	"channel" "channel" NOT NULL,
	"currency" text NOT NULL,
	"status" "payment_status" NOT NULL,
	"stripe" smallint NOT NULL,
	"count" bigint NOT NULL,
	"gross_amount" bigint NOT NULL,
	"refunded_amount" bigint NOT NULL,
	CONSTRAINT "payment_slot_totals_merchant_id_slot_start_channel_currency_status_stripe_pk" PRIMARY KEY("merchant_id","slot_start","channel","currency","status","stripe")
);
--> statement-breakpoint
ALTER TABLE "payment_slot_totals" ADD CONSTRAINT "payment_slot_totals_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Adds signed per-slot changes (stripe ignored) into the totals: one grouped upsert in key order.
CREATE FUNCTION payment_slot_totals_add(delta payment_slot_totals[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO payment_slot_totals AS t (merchant_id, slot_start, channel, currency, status, stripe, count, gross_amount, refunded_amount)
  SELECT merchant_id, slot_start, channel, currency, status, pg_backend_pid() % 8, sum(count), sum(gross_amount), sum(refunded_amount)
  FROM unnest(delta)
  GROUP BY 1, 2, 3, 4, 5
  HAVING sum(count) <> 0 OR sum(gross_amount) <> 0 OR sum(refunded_amount) <> 0
  ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (merchant_id, slot_start, channel, currency, status, stripe) DO UPDATE
    SET count = t.count + excluded.count,
        gross_amount = t.gross_amount + excluded.gross_amount,
        refunded_amount = t.refunded_amount + excluded.refunded_amount;
END
$$;
--> statement-breakpoint
-- The statement's rows grouped per slot, signed: + for rows now in payments, - for rows no longer there as they were.
CREATE FUNCTION payment_slot_totals_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM payment_slot_totals_add(ARRAY(
      SELECT (merchant_id, payment_slot(received_at), channel, currency, status, 0, count(*), sum(amount), sum(refunded_amount))::payment_slot_totals
      FROM new_payments GROUP BY merchant_id, payment_slot(received_at), channel, currency, status));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM payment_slot_totals_add(ARRAY(
      SELECT (merchant_id, payment_slot(received_at), channel, currency, status, 0, -count(*), -sum(amount), -sum(refunded_amount))::payment_slot_totals
      FROM old_payments GROUP BY merchant_id, payment_slot(received_at), channel, currency, status));
  ELSE
    PERFORM payment_slot_totals_add(ARRAY(
      SELECT (merchant_id, payment_slot(received_at), channel, currency, status, 0, count(*), sum(amount), sum(refunded_amount))::payment_slot_totals
      FROM new_payments GROUP BY merchant_id, payment_slot(received_at), channel, currency, status
      UNION ALL
      SELECT (merchant_id, payment_slot(received_at), channel, currency, status, 0, -count(*), -sum(amount), -sum(refunded_amount))::payment_slot_totals
      FROM old_payments GROUP BY merchant_id, payment_slot(received_at), channel, currency, status));
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE FUNCTION payment_slot_totals_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM payment_slot_totals;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER payment_slot_totals_insert AFTER INSERT ON payments
  REFERENCING NEW TABLE AS new_payments FOR EACH STATEMENT EXECUTE FUNCTION payment_slot_totals_apply();
--> statement-breakpoint
CREATE TRIGGER payment_slot_totals_update AFTER UPDATE ON payments
  REFERENCING OLD TABLE AS old_payments NEW TABLE AS new_payments FOR EACH STATEMENT EXECUTE FUNCTION payment_slot_totals_apply();
--> statement-breakpoint
CREATE TRIGGER payment_slot_totals_delete AFTER DELETE ON payments
  REFERENCING OLD TABLE AS old_payments FOR EACH STATEMENT EXECUTE FUNCTION payment_slot_totals_apply();
--> statement-breakpoint
CREATE TRIGGER payment_slot_totals_truncate AFTER TRUNCATE ON payments
  FOR EACH STATEMENT EXECUTE FUNCTION payment_slot_totals_truncate();
--> statement-breakpoint
-- Backfill after the triggers exist: CREATE TRIGGER holds off writes to payments until this migration commits.
INSERT INTO payment_slot_totals (merchant_id, slot_start, channel, currency, status, stripe, count, gross_amount, refunded_amount)
SELECT merchant_id, payment_slot(received_at), channel, currency, status, 0,
       count(*), sum(amount), sum(refunded_amount)
FROM payments
GROUP BY 1, 2, 3, 4, 5;
--> statement-breakpoint
-- The board sums pending money per currency from the pending index alone.
DROP INDEX "payments_merchant_pending_idx";--> statement-breakpoint
CREATE INDEX "payments_merchant_pending_idx" ON "payments" USING btree ("merchant_id","received_at","id","amount","allocated_amount","currency") WHERE "payments"."status" in ('unmatched', 'suggested');
