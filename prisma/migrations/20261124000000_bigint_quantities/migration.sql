-- Quantities are any positive safe integer (up to 2^53 - 1), beyond what INTEGER holds.
ALTER TABLE "batches" ALTER COLUMN "purchased_quantity" SET DATA TYPE BIGINT;
ALTER TABLE "batches" ALTER COLUMN "allocated_quantity" SET DATA TYPE BIGINT;
ALTER TABLE "allocations" ALTER COLUMN "quantity" SET DATA TYPE BIGINT;
ALTER TABLE "allocations_view" ALTER COLUMN "quantity" SET DATA TYPE BIGINT;
