CREATE TABLE "payment_slot_totals" (
	"merchant_id" uuid NOT NULL,
	"slot_start" timestamp with time zone NOT NULL,
	"channel" "channel" NOT NULL,
	"status" "payment_status" NOT NULL,
	"stripe" smallint NOT NULL,
	"count" bigint NOT NULL,
	"gross_amount" bigint NOT NULL,
	"refunded_amount" bigint NOT NULL,
	CONSTRAINT "payment_slot_totals_merchant_id_slot_start_channel_status_stripe_pk" PRIMARY KEY("merchant_id","slot_start","channel","status","stripe")
);
--> statement-breakpoint
DROP INDEX "payments_merchant_status_idx";--> statement-breakpoint
ALTER TABLE "payment_slot_totals" ADD CONSTRAINT "payment_slot_totals_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "payments_merchant_status_received_idx" ON "payments" USING btree ("merchant_id","status","received_at","id");--> statement-breakpoint
CREATE INDEX "payments_merchant_channel_status_received_idx" ON "payments" USING btree ("merchant_id","channel","status","received_at","id");--> statement-breakpoint
CREATE INDEX "payments_merchant_pending_idx" ON "payments" USING btree ("merchant_id","received_at","id","amount","allocated_amount") WHERE "payments"."status" in ('unmatched', 'suggested');