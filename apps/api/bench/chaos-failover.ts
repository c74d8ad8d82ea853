/**
 * `npm run chaos:failover`: the PostgreSQL primary's host dies under allocation load, and the
 * service follows pg_auto_failover to the promoted standby without losing an acknowledged write.
 *
 * It starts a pg_auto_failover formation on free local ports (monitor, primary, synchronous
 * standby; installed from Debian's packages when missing, which needs root), a private Redis, and
 * two API processes whose DATABASE_URL names both nodes. After steady load it SIGKILLs the
 * primary's keeper, postmaster and backends at once, waits for the standby's promotion, keeps the
 * load going, and then checks on the new primary: every 201 stored, no batch over-allocated or
 * out of step, every stored allocation's event in the outbox, the event feed (read through the
 * API) gap-free, every outbox reader caught up, every allocation published to Redis, and a Redis
 * command served again. It stops everything it started.
 *
 * Settings: CHAOS_CLIENTS (16), CHAOS_STEADY_SECONDS (5), CHAOS_AFTER_SECONDS (10);
 * CHAOS_FAILOVER_DEFAULTS=1 keeps pg_auto_failover's own (slower) failure detection;
 * CHAOS_LOG_LEVEL=warn (say) shows the API processes' logs.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { Redis } from 'ioredis';
import { freePort, PrivateRedis, RedisListener } from '@allocation/platform/testing';
import { AutoFailoverFormation, ensurePgAutoFailover, type FormationNode } from './auto-failover';
import {
  allocationLoad,
  type Api,
  exited,
  printOutcomes,
  seedChaosBatches,
  type Sent,
  startApi,
} from './chaos-support';
import { batchesOutOfStep, printTable } from './service';

const CLIENTS = Number(process.env['CHAOS_CLIENTS'] ?? 16);
const STEADY_MS = Number(process.env['CHAOS_STEADY_SECONDS'] ?? 5) * 1_000;
const AFTER_MS = Number(process.env['CHAOS_AFTER_SECONDS'] ?? 10) * 1_000;
const FAST = process.env['CHAOS_FAILOVER_DEFAULTS'] !== '1';
const SKUS = 20;
const DATABASE = 'chaos';

/** Polls `check` every 100 ms; the time it first held, or undefined after `ms`. */
const firstTime = async (
  check: () => Promise<boolean>,
  ms: number,
): Promise<number | undefined> => {
  for (const deadline = Date.now() + ms; Date.now() < deadline;) {
    if (await check().catch(() => false)) return Date.now();
    await sleep(100);
  }
  return undefined;
};

/** The longest stretch between two successful answers, in ms (the clients' outage). */
const longestGapBetween2xx = (sent: ReadonlyArray<Sent>): number => {
  const times = sent
    .filter((s) => s.outcome === '2xx' && s.at !== undefined)
    .map((s) => s.at as number)
    .sort((a, b) => a - b);
  return times.slice(1).reduce((gap, t, i) => Math.max(gap, t - (times[i] as number)), 0);
};

/** Every event id of the feed, read through the API page by page. */
const feedIds = async (api: Api): Promise<number[]> => {
  const ids: number[] = [];
  for (let after = 0; ;) {
    const response = await fetch(`${api.base}/api/events?after=${after}&limit=1000`);
    if (!response.ok) throw new Error(`the event feed answered ${response.status}`);
    const page = (await response.json()) as { items: Array<{ id: number }>; next: number };
    if (page.items.length === 0) return ids;
    ids.push(...page.items.map((item) => item.id));
    after = page.next;
  }
};

const seconds = (ms: number | undefined) =>
  ms === undefined ? 'never' : `${(ms / 1000).toFixed(1)} s`;

const main = async () => {
  ensurePgAutoFailover();
  console.log(
    `Starting a pg_auto_failover formation (${FAST ? 'failure detection tightened' : "pg_auto_failover's default timeouts"})...`,
  );
  const formation = await AutoFailoverFormation.start(DATABASE, FAST);
  const redis = await PrivateRedis.start();
  const apis: Api[] = [];
  try {
    const url = formation.url(DATABASE);
    console.log(`DATABASE_URL=${url}`);
    const logLevel = process.env['CHAOS_LOG_LEVEL'];
    const env = {
      REDIS_URL: redis.url,
      ...(logLevel === undefined ? {} : { LOG_LEVEL: logLevel }),
    };
    apis.push(await startApi(url, await freePort(), env));
    apis.push(await startApi(url, await freePort(), env));
    await seedChaosBatches(apis[0] as Api, SKUS, 'FAILOVER');
    const published = await RedisListener.listen(redis.url, ['line_allocated']);

    const load = allocationLoad(apis, CLIENTS, SKUS, 'FAILOVER');
    await sleep(STEADY_MS);
    const primary = await formation.primary();
    const standby = formation.nodes.find((n) => n !== primary) as FormationNode;
    console.log(`  killing the primary's host (port ${primary.port}) under load`);
    load.phase = 'no primary';
    const killedAt = Date.now();
    formation.killHost(primary);
    const promotedAt = await firstTime(() => formation.takesWrites(standby, DATABASE), 180_000);
    console.log(
      `  standby (port ${standby.port}) takes writes after ${seconds(promotedAt && promotedAt - killedAt)}`,
    );
    load.phase = 'after promotion';
    await sleep(AFTER_MS);
    await load.stop();
    const loadStoppedAt = Date.now();

    // A Redis command after the failover: the lead is taken again on the new primary. Messages
    // published while nobody leads are not replayed (pub/sub keeps none), so it is sent each
    // second until one is served.
    const publisher = new Redis(redis.url);
    const db = new Client({ connectionString: formation.nodeUrl(standby, DATABASE) });
    await db.connect();
    const commandSentAt = Date.now();
    const commandServedAt = await firstTime(async () => {
      await publisher.publish(
        'change_batch_quantity',
        JSON.stringify({ batchref: 'failover-0', qty: 9_000_000 }),
      );
      await sleep(900);
      const { rows } = await db.query<{ q: number }>(
        `SELECT purchased_quantity::int AS q FROM batches WHERE reference = 'failover-0'`,
      );
      return rows[0]?.q === 9_000_000;
    }, 60_000);
    publisher.disconnect();

    // Every outbox reader (Redis relay, notifiers) moves past the last event.
    const caughtUpAt = await firstTime(async () => {
      const { rows } = await db.query<{ behind: number }>(
        `SELECT count(*)::int AS behind FROM outbox_consumers c
          WHERE EXISTS (SELECT 1 FROM outbox o WHERE (o.xid, o.id) > (c.last_xid, c.last_id))`,
      );
      return rows[0]?.behind === 0;
    }, 60_000);

    const stored = new Set(
      (await db.query<{ order_id: string }>('SELECT DISTINCT order_id FROM allocations')).rows.map(
        (r) => r.order_id,
      ),
    );
    const outOfStep = await batchesOutOfStep(db);
    const withoutEvent = (
      await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM allocations a WHERE NOT EXISTS (
           SELECT 1 FROM outbox o WHERE o.type = 'Allocated' AND o.data->>'orderId' = a.order_id)`,
      )
    ).rows[0]?.n;
    const outboxIds = (
      await db.query<{ id: string }>('SELECT id FROM outbox ORDER BY xid, id')
    ).rows.map((r) => Number(r.id));
    const consumers = (await db.query('SELECT 1 FROM outbox_consumers')).rowCount ?? 0;
    await db.end();
    const feed = await feedIds(apis[0] as Api);
    const feedGapFree =
      feed.length === outboxIds.length && feed.every((id, i) => id === outboxIds[i]);
    const publishedIds = new Set(published.messages.map((m) => String(m.payload['orderid'])));
    published.close();
    const unpublished = [...stored].filter((id) => !publishedIds.has(id)).length;

    const { other5xx, lost } = printOutcomes(load.sent, stored);
    const noPrimaryMs = promotedAt === undefined ? undefined : promotedAt - killedAt;
    const checks: Array<[string, string, boolean]> = [
      [
        'seconds without a primary (kill to standby taking writes)',
        seconds(noPrimaryMs),
        promotedAt !== undefined,
      ],
      [
        'longest stretch without a 201, as clients saw it',
        seconds(longestGapBetween2xx(load.sent)),
        true,
      ],
      ['other 5xx', String(other5xx), other5xx === 0],
      ['acknowledged allocations not stored on the new primary', String(lost), lost === 0],
      [
        'batches over-allocated or out of step with their lines',
        String(outOfStep),
        outOfStep === 0,
      ],
      [
        'stored allocations without their event in the outbox',
        String(withoutEvent),
        withoutEvent === 0,
      ],
      [
        'event feed through the API against the outbox, in feed order',
        `${feed.length} of ${outboxIds.length}${feedGapFree ? ', gap-free' : ', DIFFERENT'}`,
        feedGapFree,
      ],
      [
        `outbox readers caught up after the load (${consumers})`,
        caughtUpAt === undefined
          ? 'no'
          : `yes, ${seconds(caughtUpAt - loadStoppedAt)} after the load stopped`,
        caughtUpAt !== undefined,
      ],
      [
        'stored allocations never published to Redis (line_allocated)',
        String(unpublished),
        unpublished === 0,
      ],
      [
        'Redis command (change_batch_quantity) served after the failover',
        commandServedAt === undefined
          ? 'no'
          : `yes, ${seconds(commandServedAt - commandSentAt)} after sending`,
        commandServedAt !== undefined,
      ],
    ];
    printTable(
      ['check', 'result', 'ok'],
      checks.map(([name, result, ok]) => [name, result, ok ? 'ok' : 'FAILED']),
    );
    if (checks.some(([, , ok]) => !ok)) process.exitCode = 1;
  } finally {
    for (const api of apis) api.child.kill('SIGKILL');
    await Promise.all(apis.map((api) => exited(api.child)));
    await redis.stop();
    await formation.destroy();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
