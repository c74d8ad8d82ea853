import { setTimeout as sleep } from 'node:timers/promises';
import type { OutboxSignal } from '../application/outbox-signal';
import type { FeedItem } from './event-feed';
import type { OutboxConsumers } from './outbox-consumers';

/** A durable reader of the outbox: the Redis relay, the out-of-stock notifier. */
export interface OutboxConsumer {
  /** Its cursor's name in the database; one instance at a time runs a given name. */
  readonly name: string;
  /** Delivers events in feed order; a throw means "not delivered": the same events come again. */
  handle(items: ReadonlyArray<FeedItem>): Promise<void>;
  /** See `TurnOptions`: false for an idempotent handler that needs the database itself. */
  readonly holdWhileHandling?: boolean;
  /** The event types it handles (see `TurnOptions`); absent, every type. */
  readonly types?: ReadonlyArray<string>;
}

export interface ConsumerLoopOptions {
  /** Events per turn. */
  readonly batchSize: number;
  /** How often to look when nothing was committed here (other instances write too). */
  readonly pollMs: number;
  /**
   * The least time between turns that were not full, however often commits wake the loop: under
   * load one turn takes many events (and writes its cursor once) instead of one turn per commit.
   */
  readonly minGapMs: number;
  /** How often a reader whose lock another instance holds tries to take over. */
  readonly standbyMs: number;
  readonly backoff: { readonly initialMs: number; readonly maxMs: number };
}

export const defaultConsumerLoopOptions: ConsumerLoopOptions = {
  batchSize: 200,
  // Commits made here wake the loop at once; the poll is for other instances' commits.
  pollMs: 500,
  minGapMs: 100,
  standbyMs: 1_000,
  backoff: { initialMs: 100, maxMs: 30_000 },
};

export interface ConsumerLog {
  warn(message: string): void;
  log(message: string): void;
}

/**
 * Runs a consumer's turns until stopped: at once while there is more to read, on the outbox
 * signal or the poll interval when caught up, and with growing, jittered waits while its handler
 * or the database fails. Nothing is skipped: a failed turn leaves the cursor where it was.
 */
export class ConsumerLoop {
  private running: Promise<void> | undefined;
  private stopping = false;
  private readonly stopped = new AbortController();

  constructor(
    private readonly consumers: OutboxConsumers,
    private readonly consumer: OutboxConsumer,
    private readonly signal: OutboxSignal,
    private readonly log: ConsumerLog,
    private readonly options: ConsumerLoopOptions = defaultConsumerLoopOptions,
  ) {}

  start(): void {
    this.running ??= this.run();
  }

  /** Lets the current turn finish (its events are then delivered or will come again). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopped.abort();
    await this.running;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      const mark = this.signal.mark();
      try {
        const turn = await this.consumers.turn(
          this.consumer.name,
          this.options.batchSize,
          (items) => this.consumer.handle(items),
          {
            holdWhileHandling: this.consumer.holdWhileHandling ?? true,
            ...(this.consumer.types === undefined ? {} : { types: this.consumer.types }),
          },
        );
        if (failures > 0) this.log.log(`${this.consumer.name}: delivering again`);
        failures = 0;
        if (turn._tag === 'Busy') await this.pause(this.options.standbyMs);
        else if (!turn.more) await this.waitForEvents(mark);
      } catch (error) {
        failures += 1;
        const delay = this.backoff(failures);
        this.log.warn(
          `${this.consumer.name}: delivery failed (${reasonOf(error)}); attempt ${failures}, next in ${Math.round(delay)} ms`,
        );
        await this.pause(delay);
      }
    }
  }

  /** Until a commit here of the reader's types (but at least the gap) or the poll interval. */
  private async waitForEvents(mark: number): Promise<void> {
    const { minGapMs, pollMs } = this.options;
    await this.pause(minGapMs);
    if (!this.stopping) {
      await this.signal.wait(Math.max(0, pollMs - minGapMs), mark, this.consumer.types);
    }
  }

  private async pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.stopped.signal, ref: false }).catch(() => undefined);
  }

  private backoff(failures: number): number {
    const { initialMs, maxMs } = this.options.backoff;
    const ceiling = Math.min(maxMs, initialMs * 2 ** (failures - 1));
    return ceiling / 2 + (Math.random() * ceiling) / 2;
  }
}

const reasonOf = (error: unknown): string =>
  error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error);
