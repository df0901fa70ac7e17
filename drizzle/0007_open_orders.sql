CREATE TABLE "open_orders" (
	"order_id" uuid PRIMARY KEY NOT NULL,
	"merchant_id" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "allocations" DROP CONSTRAINT "allocations_merchant_id_merchants_id_fk";
--> statement-breakpoint
ALTER TABLE "payments" DROP CONSTRAINT "payments_merchant_id_merchants_id_fk";
--> statement-breakpoint
ALTER TABLE "payments" DROP CONSTRAINT "payments_channel_account_id_channel_accounts_id_fk";
--> statement-breakpoint
DROP INDEX "orders_merchant_status_idx";--> statement-breakpoint
DROP INDEX "orders_open_window_idx";--> statement-breakpoint
CREATE INDEX "open_orders_merchant_created_idx" ON "open_orders" USING btree ("merchant_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "channel_accounts_id_merchant_key" ON "channel_accounts" USING btree ("id","merchant_id");--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_channel_account_merchant_fk" FOREIGN KEY ("channel_account_id","merchant_id") REFERENCES "public"."channel_accounts"("id","merchant_id") ON DELETE no action ON UPDATE no action;