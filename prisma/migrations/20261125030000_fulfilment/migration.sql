-- Pick lists: allocated lines reserved by batch for the warehouse to pick, then shipped.
CREATE TABLE "pick_lists" (
    "id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    "closed_at" TIMESTAMPTZ(6),
    CONSTRAINT "pick_lists_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "pick_lists_status_check" CHECK ("status" IN ('open', 'confirmed', 'cancelled'))
);

CREATE INDEX "pick_lists_status_created_at_idx" ON "pick_lists"("status", "created_at");

-- What a pick list holds, as it was made: it outlives the allocations it shipped.
CREATE TABLE "pick_list_lines" (
    "pick_list_id" TEXT NOT NULL,
    "batch_reference" TEXT NOT NULL,
    "sku" TEXT NOT NULL,
    "eta" DATE,
    "order_id" TEXT NOT NULL,
    "quantity" BIGINT NOT NULL,
    "position" INTEGER NOT NULL,
    CONSTRAINT "pick_list_lines_pkey" PRIMARY KEY ("pick_list_id", "batch_reference", "order_id"),
    CONSTRAINT "pick_list_lines_quantity_check" CHECK ("quantity" > 0),
    CONSTRAINT "pick_list_lines_pick_list_id_fkey" FOREIGN KEY ("pick_list_id") REFERENCES "pick_lists"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- An allocated line on an open pick list is reserved; its batch counts it.
ALTER TABLE "allocations" ADD COLUMN "pick_list_id" TEXT;
-- Checked at commit: a new list's lines are reserved before the list itself is written.
ALTER TABLE "allocations" ADD CONSTRAINT "allocations_pick_list_id_fkey" FOREIGN KEY ("pick_list_id") REFERENCES "pick_lists"("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED;
CREATE INDEX "allocations_pick_list_id_idx" ON "allocations"("pick_list_id");

ALTER TABLE "batches" ADD COLUMN "reserved_quantity" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "batches" ADD CONSTRAINT "batches_reserved_quantity_check" CHECK ("reserved_quantity" >= 0 AND "reserved_quantity" <= "allocated_quantity");

-- Lines that left the warehouse: never allocated again.
CREATE TABLE "shipped_lines" (
    "order_id" TEXT NOT NULL,
    "sku" TEXT NOT NULL,
    "batch_reference" TEXT NOT NULL,
    "pick_list_id" TEXT NOT NULL,
    "quantity" BIGINT NOT NULL,
    "shipped_at" TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT "shipped_lines_pkey" PRIMARY KEY ("order_id", "sku", "batch_reference", "pick_list_id")
);

CREATE INDEX "shipped_lines_sku_order_id_idx" ON "shipped_lines"("sku", "order_id");

-- Orders' record of what shipped of each order, one row per pick list and SKU (so hearing a
-- shipment twice counts it once).
CREATE TABLE "order_shipments" (
    "order_id" TEXT NOT NULL,
    "pick_list_id" TEXT NOT NULL,
    "sku" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    CONSTRAINT "order_shipments_pkey" PRIMARY KEY ("order_id", "pick_list_id", "sku"),
    CONSTRAINT "order_shipments_quantity_check" CHECK ("quantity" > 0),
    CONSTRAINT "order_shipments_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
