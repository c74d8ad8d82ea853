import { performance } from 'node:perf_hooks';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** How full the connection pool is, read at each scrape. */
export interface PoolStats {
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
}

/** Per durable outbox reader: events committed that it has not passed yet, and the oldest's age. */
export interface OutboxLag {
  readonly consumer: string;
  readonly events: number;
  readonly oldestSeconds: number;
}

export interface MetricSources {
  readonly pool: () => PoolStats;
  readonly outboxLag: () => Promise<ReadonlyArray<OutboxLag>>;
}

/**
 * The service's Prometheus metrics, on a registry of its own (so two apps in one test process do
 * not share counters). Request metrics are labelled by route pattern, never by raw URL, so the
 * number of series stays bounded whatever clients send.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly allocations = new Counter({
    name: 'allocations_total',
    help: 'Allocation commands decided, by outcome (allocated, backordered, repeat, or the refusal)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly unitOfWorkRetries = new Counter({
    name: 'unit_of_work_retries_total',
    help: 'Units of work run again after a concurrency conflict, by bounded context',
    labelNames: ['context'] as const,
    registers: [this.registry],
  });

  readonly unitOfWorkExhausted = new Counter({
    name: 'unit_of_work_conflicts_exhausted_total',
    help: 'Units of work that kept conflicting until their retries ran out (answered 503)',
    labelNames: ['context'] as const,
    registers: [this.registry],
  });

  readonly batchFallbacks = new Counter({
    name: 'allocation_batch_fallbacks_total',
    help: 'Group-commit batches that could not commit and ran their commands one at a time',
    registers: [this.registry],
  });

  readonly batchRetries = new Counter({
    name: 'allocation_batch_retries_total',
    help: 'Group-commit batches decided again after another writer changed one of their products',
    registers: [this.registry],
  });

  readonly batchLoads = new Counter({
    name: 'allocation_batch_loads_total',
    help: 'Group-commit batch loads (a batch decided again loads again) by where the products came from: the database, or memory (as the store last wrote them)',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });

  readonly batchSeconds = new Histogram({
    name: 'allocation_batch_seconds',
    help: 'Time from the start of a group-commit batch to its commit (the next batch waits for it)',
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  constructor(sources: MetricSources) {
    collectDefaultMetrics({ register: this.registry });
    // Busy is not CPU: a loop waiting on a system call is busy but may not be on a core. Its rate
    // near 1 says the event loop is the limit, whatever the process's CPU share.
    let busyMs = performance.eventLoopUtilization().active;
    new Counter({
      name: 'nodejs_eventloop_busy_seconds_total',
      help: 'Time the event loop spent running callbacks (not waiting for events)',
      registers: [this.registry],
      collect() {
        const now = performance.eventLoopUtilization().active;
        this.inc((now - busyMs) / 1000);
        busyMs = now;
      },
    });
    new Gauge({
      name: 'db_pool_connections',
      help: 'Database pool connections in use and idle, and requests waiting for one',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const { total, idle, waiting } = sources.pool();
        this.set({ state: 'in_use' }, total - idle);
        this.set({ state: 'idle' }, idle);
        this.set({ state: 'waiting' }, waiting);
      },
    });
    // Both lag gauges come from one query per scrape (the registry collects them concurrently).
    let pending: Promise<ReadonlyArray<OutboxLag>> | undefined;
    const lagsOfThisScrape = () => {
      pending ??= sources.outboxLag().finally(() => setImmediate(() => (pending = undefined)));
      return pending;
    };
    new Gauge({
      name: 'outbox_lag_events',
      help: 'Committed events a durable outbox reader has not delivered yet',
      labelNames: ['consumer'] as const,
      registers: [this.registry],
      async collect() {
        const lags = await lagsOfThisScrape();
        // Reset, so that a reader no longer running disappears from the series.
        this.reset();
        for (const lag of lags) this.set({ consumer: lag.consumer }, lag.events);
      },
    });
    new Gauge({
      name: 'outbox_lag_seconds',
      help: 'Age of the oldest event a durable outbox reader has not delivered yet (0 when none)',
      labelNames: ['consumer'] as const,
      registers: [this.registry],
      async collect() {
        const lags = await lagsOfThisScrape();
        this.reset();
        for (const lag of lags) this.set({ consumer: lag.consumer }, lag.oldestSeconds);
      },
    });
  }

  /** One HTTP answer, by route pattern. */
  answered(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.requests.inc(labels);
    this.requestDuration.observe(labels, seconds);
  }

  /** The text a Prometheus server scrapes. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
