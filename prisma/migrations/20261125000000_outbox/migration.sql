-- Every event a committed unit of work produced, written in the same transaction as the change.
-- `xid` is the writing transaction: readers show only rows below the oldest transaction still
-- running, so an id taken early but committed late is never skipped by a reader walking the feed.
CREATE TABLE "outbox" (
    "id" BIGSERIAL NOT NULL,
    "type" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "occurred_at" TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    "xid" XID8 NOT NULL DEFAULT pg_current_xact_id(),
    CONSTRAINT "outbox_pkey" PRIMARY KEY ("id")
);

-- Feed order: by writing transaction, then id.
CREATE INDEX "outbox_xid_id_idx" ON "outbox"("xid", "id");
CREATE INDEX "outbox_type_xid_id_idx" ON "outbox"("type", "xid", "id");
CREATE INDEX "outbox_occurred_at_idx" ON "outbox"("occurred_at");

-- Where each durable reader of the outbox (the Redis relay, the out-of-stock mailer) has got to.
CREATE TABLE "outbox_consumers" (
    "name" TEXT NOT NULL,
    "last_xid" XID8 NOT NULL DEFAULT '0'::xid8,
    "last_id" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT "outbox_consumers_pkey" PRIMARY KEY ("name")
);
