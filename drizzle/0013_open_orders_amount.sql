-- Open orders carry their full amount, so checkout never gives an order a unique amount another open
-- order asks in full (the engine could then only suggest). Filled from orders, then required.
ALTER TABLE "open_orders" ADD COLUMN "amount" bigint;--> statement-breakpoint
UPDATE "open_orders" oo SET "amount" = o."amount" FROM "orders" o WHERE o."id" = oo."order_id";--> statement-breakpoint
ALTER TABLE "open_orders" ALTER COLUMN "amount" SET NOT NULL;--> statement-breakpoint
CREATE INDEX "open_orders_merchant_full_amount_idx" ON "open_orders" USING btree ("merchant_id","amount") WHERE "open_orders"."payable_amount" is null;--> statement-breakpoint
-- The triggers of 0008 and 0011 now carry the amount as well. An order's amount never changes once
-- created (a checkout asking another amount is refused), so an update need not compare it.
CREATE OR REPLACE FUNCTION open_orders_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO open_orders (order_id, merchant_id, created_at, payable_amount, amount)
  SELECT id, merchant_id, created_at, payable_amount, amount FROM new_orders WHERE status IN ('pending', 'partially_paid')
  ON CONFLICT (order_id) DO NOTHING;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION open_orders_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM open_orders oo
  USING old_orders o JOIN new_orders n ON n.id = o.id
  WHERE oo.order_id = o.id
    AND o.status IN ('pending', 'partially_paid') AND n.status NOT IN ('pending', 'partially_paid');
  INSERT INTO open_orders (order_id, merchant_id, created_at, payable_amount, amount)
  SELECT n.id, n.merchant_id, n.created_at, n.payable_amount, n.amount
  FROM old_orders o JOIN new_orders n ON n.id = o.id
  WHERE o.status NOT IN ('pending', 'partially_paid') AND n.status IN ('pending', 'partially_paid')
  ON CONFLICT (order_id) DO NOTHING;
  RETURN NULL;
END
$$;
