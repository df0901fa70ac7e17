-- Names of the line fields whose values a statement's payments keep in details.raw (lib/core/statements/raw.ts);
-- null for statements imported before, whose payments keep the fields by name.
ALTER TABLE "statements" ADD COLUMN "raw_columns" jsonb;