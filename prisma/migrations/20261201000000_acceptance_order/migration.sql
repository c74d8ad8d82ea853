-- When the product accepted each line: the product version that first took it in, allocated or
-- backordered. A line keeps it when it moves, and the waiting queue is served in its order.
-- Lines accepted before this migration share 0 and keep their old order (`position`, `id`).
ALTER TABLE "allocations" ADD COLUMN "accepted" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "backorders" ADD COLUMN "accepted" BIGINT NOT NULL DEFAULT 0;
