-- payment_slot_totals: per-merchant payment totals in 15-minute UTC slots, kept by the database itself.
-- Statement-level AFTER triggers with transition tables fold each statement's rows into one grouped
-- upsert, so a bulk statement import of a million rows costs one aggregate, not a million row triggers.
-- An UPDATE moves a payment's amounts from its old (slot, channel, status) to its new one; the groups
-- whose net change is zero (most updates touch none of these columns) are skipped. Writers add into
-- the stripe of their backend (pg_backend_pid() % 8) so concurrent ingest does not queue on one row,
-- and upsert in key order so two multi-row statements lock shared rows in the same order.
-- All statements are static so PL/pgSQL keeps their plans: single-row webhook writes pay ~0.1 ms.
CREATE FUNCTION payment_slot(received_at timestamptz) RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN date_bin('15 minutes', received_at, timestamptz '2000-01-01 00:00:00+00');
--> statement-breakpoint
-- Adds signed per-slot changes (stripe ignored) into the totals: one grouped upsert in key order.
CREATE FUNCTION payment_slot_totals_add(delta payment_slot_totals[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO payment_slot_totals AS t (merchant_id, slot_start, channel, status, stripe, count, gross_amount, refunded_amount)
  SELECT merchant_id, slot_start, channel, status, pg_backend_pid() % 8, sum(count), sum(gross_amount), sum(refunded_amount)
  FROM unnest(delta)
  GROUP BY 1, 2, 3, 4
  HAVING sum(count) <> 0 OR sum(gross_amount) <> 0 OR sum(refunded_amount) <> 0
  ORDER BY 1, 2, 3, 4
  ON CONFLICT (merchant_id, slot_start, channel, status, stripe) DO UPDATE
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
      SELECT (merchant_id, payment_slot(received_at), channel, status, 0, count(*), sum(amount), sum(refunded_amount))::payment_slot_totals
      FROM new_payments GROUP BY merchant_id, payment_slot(received_at), channel, status));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM payment_slot_totals_add(ARRAY(
      SELECT (merchant_id, payment_slot(received_at), channel, status, 0, -count(*), -sum(amount), -sum(refunded_amount))::payment_slot_totals
      FROM old_payments GROUP BY merchant_id, payment_slot(received_at), channel, status));
  ELSE
    PERFORM payment_slot_totals_add(ARRAY(
      SELECT (merchant_id, payment_slot(received_at), channel, status, 0, count(*), sum(amount), sum(refunded_amount))::payment_slot_totals
      FROM new_payments GROUP BY merchant_id, payment_slot(received_at), channel, status
      UNION ALL
      SELECT (merchant_id, payment_slot(received_at), channel, status, 0, -count(*), -sum(amount), -sum(refunded_amount))::payment_slot_totals
      FROM old_payments GROUP BY merchant_id, payment_slot(received_at), channel, status));
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
INSERT INTO payment_slot_totals (merchant_id, slot_start, channel, status, stripe, count, gross_amount, refunded_amount)
SELECT merchant_id, payment_slot(received_at), channel, status, 0,
       count(*), sum(amount), sum(refunded_amount)
FROM payments
GROUP BY 1, 2, 3, 4;
