ALTER TABLE "open_orders" ADD COLUMN "payable_amount" bigint;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "payable_amount" bigint;--> statement-breakpoint
CREATE INDEX "open_orders_merchant_payable_idx" ON "open_orders" USING btree ("merchant_id","payable_amount") WHERE "open_orders"."payable_amount" is not null;--> statement-breakpoint
-- The triggers of 0008 now carry the payable amount into open_orders as well. It is set when the order is
-- created and never changes, so an update need not compare it (a third join over a million paid orders).
CREATE OR REPLACE FUNCTION open_orders_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO open_orders (order_id, merchant_id, created_at, payable_amount)
  SELECT id, merchant_id, created_at, payable_amount FROM new_orders WHERE status IN ('pending', 'partially_paid')
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
  INSERT INTO open_orders (order_id, merchant_id, created_at, payable_amount)
  SELECT n.id, n.merchant_id, n.created_at, n.payable_amount
  FROM old_orders o JOIN new_orders n ON n.id = o.id
  WHERE o.status NOT IN ('pending', 'partially_paid') AND n.status IN ('pending', 'partially_paid')
  ON CONFLICT (order_id) DO NOTHING;
  RETURN NULL;
END
$$;
