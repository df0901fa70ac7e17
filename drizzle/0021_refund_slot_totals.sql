CREATE TABLE "refund_slot_totals" (
	"merchant_id" uuid NOT NULL,
	"slot_start" timestamp with time zone NOT NULL,
	"channel" "channel" NOT NULL,
	"currency" text NOT NULL,
	"stripe" smallint NOT NULL,
	"amount" bigint NOT NULL,
	CONSTRAINT "refund_slot_totals_merchant_id_slot_start_channel_currency_stripe_pk" PRIMARY KEY("merchant_id","slot_start","channel","currency","stripe")
);
--> statement-breakpoint
ALTER TABLE "refund_slot_totals" ADD CONSTRAINT "refund_slot_totals_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- refund_slot_totals: the merchant's refunds summed in the payment slots' 15-minute UTC slots, dated when
-- the money went back, under the refunded payment's channel and currency; kept like payment_slot_totals
-- (0004, 0020) by statement-level triggers with transition tables: one grouped upsert per statement.
CREATE FUNCTION refund_slot_totals_add(delta refund_slot_totals[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO refund_slot_totals AS t (merchant_id, slot_start, channel, currency, stripe, amount)
  SELECT merchant_id, slot_start, channel, currency, pg_backend_pid() % 8, sum(amount)
  FROM unnest(delta)
  GROUP BY 1, 2, 3, 4
  HAVING sum(amount) <> 0
  ORDER BY 1, 2, 3, 4
  ON CONFLICT (merchant_id, slot_start, channel, currency, stripe) DO UPDATE
    SET amount = t.amount + excluded.amount;
END
$$;
--> statement-breakpoint
CREATE FUNCTION refund_slot_totals_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM refund_slot_totals_add(ARRAY(
      SELECT (r.merchant_id, payment_slot(r.refunded_at), p.channel, p.currency, 0, sum(r.amount))::refund_slot_totals
      FROM new_refunds r JOIN payments p ON p.id = r.payment_id
      GROUP BY r.merchant_id, payment_slot(r.refunded_at), p.channel, p.currency));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM refund_slot_totals_add(ARRAY(
      SELECT (r.merchant_id, payment_slot(r.refunded_at), p.channel, p.currency, 0, -sum(r.amount))::refund_slot_totals
      FROM old_refunds r JOIN payments p ON p.id = r.payment_id
      GROUP BY r.merchant_id, payment_slot(r.refunded_at), p.channel, p.currency));
  ELSE
    PERFORM refund_slot_totals_add(ARRAY(
      SELECT (r.merchant_id, payment_slot(r.refunded_at), p.channel, p.currency, 0, sum(r.amount))::refund_slot_totals
      FROM new_refunds r JOIN payments p ON p.id = r.payment_id
      GROUP BY r.merchant_id, payment_slot(r.refunded_at), p.channel, p.currency
      UNION ALL
      SELECT (r.merchant_id, payment_slot(r.refunded_at), p.channel, p.currency, 0, -sum(r.amount))::refund_slot_totals
      FROM old_refunds r JOIN payments p ON p.id = r.payment_id
      GROUP BY r.merchant_id, payment_slot(r.refunded_at), p.channel, p.currency));
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE FUNCTION refund_slot_totals_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM refund_slot_totals;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER refund_slot_totals_insert AFTER INSERT ON refunds
  REFERENCING NEW TABLE AS new_refunds FOR EACH STATEMENT EXECUTE FUNCTION refund_slot_totals_apply();
--> statement-breakpoint
CREATE TRIGGER refund_slot_totals_update AFTER UPDATE ON refunds
  REFERENCING OLD TABLE AS old_refunds NEW TABLE AS new_refunds FOR EACH STATEMENT EXECUTE FUNCTION refund_slot_totals_apply();
--> statement-breakpoint
CREATE TRIGGER refund_slot_totals_delete AFTER DELETE ON refunds
  REFERENCING OLD TABLE AS old_refunds FOR EACH STATEMENT EXECUTE FUNCTION refund_slot_totals_apply();
--> statement-breakpoint
CREATE TRIGGER refund_slot_totals_truncate AFTER TRUNCATE ON refunds
  FOR EACH STATEMENT EXECUTE FUNCTION refund_slot_totals_truncate();
--> statement-breakpoint
-- Backfill after the triggers exist: CREATE TRIGGER holds off writes to refunds until this migration commits.
INSERT INTO refund_slot_totals (merchant_id, slot_start, channel, currency, stripe, amount)
SELECT r.merchant_id, payment_slot(r.refunded_at), p.channel, p.currency, 0, sum(r.amount)
FROM refunds r JOIN payments p ON p.id = r.payment_id
GROUP BY 1, 2, 3, 4;
