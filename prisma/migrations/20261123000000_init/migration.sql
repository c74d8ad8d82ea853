-- Products: the aggregate root, one row per SKU.
CREATE TABLE "products" (
    "sku" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "products_pkey" PRIMARY KEY ("sku"),
    CONSTRAINT "products_version_check" CHECK ("version" >= 0)
);

-- Batches keep their allocated total; the database refuses over-allocation as a last line of defence.
CREATE TABLE "batches" (
    "reference" TEXT NOT NULL,
    "sku" TEXT NOT NULL,
    "purchased_quantity" INTEGER NOT NULL,
    "allocated_quantity" INTEGER NOT NULL DEFAULT 0,
    "eta" DATE,
    "position" INTEGER NOT NULL,
    CONSTRAINT "batches_pkey" PRIMARY KEY ("reference"),
    CONSTRAINT "batches_purchased_quantity_check" CHECK ("purchased_quantity" >= 0),
    CONSTRAINT "batches_allocated_quantity_check" CHECK ("allocated_quantity" >= 0 AND "allocated_quantity" <= "purchased_quantity")
);

-- One row per order line and batch; a split line has several rows.
CREATE TABLE "allocations" (
    "id" BIGSERIAL NOT NULL,
    "order_id" TEXT NOT NULL,
    "sku" TEXT NOT NULL,
    "batch_reference" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    CONSTRAINT "allocations_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "allocations_quantity_check" CHECK ("quantity" > 0)
);

CREATE INDEX "batches_sku_idx" ON "batches"("sku");
CREATE UNIQUE INDEX "allocations_order_id_sku_batch_reference_key" ON "allocations"("order_id", "sku", "batch_reference");
CREATE INDEX "allocations_batch_reference_id_idx" ON "allocations"("batch_reference", "id" DESC);
CREATE INDEX "allocations_sku_order_id_idx" ON "allocations"("sku", "order_id");

ALTER TABLE "batches" ADD CONSTRAINT "batches_sku_fkey" FOREIGN KEY ("sku") REFERENCES "products"("sku") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "allocations" ADD CONSTRAINT "allocations_batch_reference_fkey" FOREIGN KEY ("batch_reference") REFERENCES "batches"("reference") ON DELETE RESTRICT ON UPDATE CASCADE;
