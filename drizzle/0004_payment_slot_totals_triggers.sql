-- payment_slot_totals: per-merchant payment totals in 15-minute UTC slots, kept by the database itself.
-- Statement-level AFTER triggers with transition tables fold each statement's rows into one grouped
-- upsert, so a bulk statement import of a million rows costs one aggregate, not a million row triggers.
-- An UPDATE moves a payment's amounts from its old (slot, channel, status) to its new one; the groups
-- whose net change is zero (most updates touch none of these columns) are skipped. The statement is
-- dynamic only to name the transition tables the firing operation has (an INSERT has no old rows).
-- Writers add into the stripe of their backend (pg_backend_pid() % 8) so concurrent ingest does not queue on one row,
-- and upsert in key order so two multi-row statements lock shared rows in the same order.
CREATE FUNCTION payment_slot_totals_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  -- The statement's rows, signed: +1 for rows now in payments, -1 for rows no longer there as they were.
  cols text := 'merchant_id, received_at, channel, status, amount, refunded_amount';
  delta text := CASE TG_OP
    WHEN 'INSERT' THEN format('SELECT %s, 1 AS sign FROM new_payments', cols)
    WHEN 'DELETE' THEN format('SELECT %s, -1 AS sign FROM old_payments', cols)
    ELSE format('SELECT %s, 1 AS sign FROM new_payments UNION ALL SELECT %s, -1 FROM old_payments', cols, cols)
  END;
BEGIN
  EXECUTE format($sql$
    INSERT INTO payment_slot_totals AS t (merchant_id, slot_start, channel, status, stripe, count, gross_amount, refunded_amount)
    SELECT merchant_id, date_bin('15 minutes', received_at, timestamptz '2000-01-01 00:00:00+00'), channel, status, pg_backend_pid() %% 8,
           sum(sign), sum(sign * amount), sum(sign * refunded_amount)
    FROM (%s) AS delta
    GROUP BY 1, 2, 3, 4
    HAVING sum(sign) <> 0 OR sum(sign * amount) <> 0 OR sum(sign * refunded_amount) <> 0
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (merchant_id, slot_start, channel, status, stripe) DO UPDATE
      SET count = t.count + excluded.count,
          gross_amount = t.gross_amount + excluded.gross_amount,
          refunded_amount = t.refunded_amount + excluded.refunded_amount
  $sql$, delta);
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
INSERT INTO payment_slot_totals (merchant_id, slot_start, channel, status, stripe, count, gross_amount, refunded_amount)
SELECT merchant_id, date_bin('15 minutes', received_at, timestamptz '2000-01-01 00:00:00+00'), channel, status, 0,
       count(*), sum(amount), sum(refunded_amount)
FROM payments
GROUP BY 1, 2, 3, 4;
