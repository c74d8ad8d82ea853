-- Lines a product accepted but cannot serve yet, in the order they are served (`position`).
CREATE TABLE "backorders" (
    "sku" TEXT NOT NULL,
    "order_id" TEXT NOT NULL,
    "quantity" BIGINT NOT NULL,
    "allow_split" BOOLEAN NOT NULL DEFAULT false,
    "position" INTEGER NOT NULL,
    CONSTRAINT "backorders_pkey" PRIMARY KEY ("sku", "order_id"),
    CONSTRAINT "backorders_quantity_check" CHECK ("quantity" > 0),
    CONSTRAINT "backorders_sku_fkey" FOREIGN KEY ("sku") REFERENCES "products"("sku") ON DELETE RESTRICT ON UPDATE CASCADE
);

CREATE INDEX "backorders_order_id_idx" ON "backorders"("order_id");
