-- The read model of where each order's lines went is the lines as stored. It was a copy that the
-- product store's write kept in step, one more upsert or delete for every portion row it wrote;
-- as a view it costs the write nothing and cannot drift. Reads by order use allocations' unique
-- (order_id, sku, batch_reference) index, as they used the copy's.
DROP TABLE "allocations_view";

CREATE VIEW "allocations_view" AS
SELECT "id", "order_id", "sku", "batch_reference", "quantity" FROM "allocations";
