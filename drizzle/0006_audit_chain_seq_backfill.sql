-- Events written before chain_seq existed were chained in id order: number them so.
UPDATE "audit_events" SET "chain_seq" = x.seq
FROM (SELECT "id", row_number() OVER (PARTITION BY "merchant_id" ORDER BY "id") AS seq FROM "audit_events") AS x
WHERE "audit_events"."id" = x."id";--> statement-breakpoint
-- An event is either linked (place and hash) or waiting to be (neither).
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_chained_whole" CHECK (("chain_seq" IS NULL) = ("hash" IS NULL));
