-- Read model for "where did my order go": written in the same transaction as the change, read
-- without loading any aggregate. `id` keeps allocation order for the reference-service route.
CREATE TABLE "allocations_view" (
    "id" BIGSERIAL NOT NULL,
    "order_id" TEXT NOT NULL,
    "sku" TEXT NOT NULL,
    "batch_reference" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    CONSTRAINT "allocations_view_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "allocations_view_order_id_sku_batch_reference_key" ON "allocations_view"("order_id", "sku", "batch_reference");
