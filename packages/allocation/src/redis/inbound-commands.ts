import { randomUUID } from 'node:crypto';
import type { SubscriberLog } from './change-batch-quantity.subscriber';

/**
 * Who takes inbound commands: one instance at a time. `acquire` resolves once this instance
 * leads; `onLost` is told if it stops leading without asking (its lock's connection died).
 */
export interface Leadership {
  acquire(): Promise<void>;
  onLost(listener: () => void): void;
  release(): Promise<void>;
}

/** What the protocol needs of Redis: one subscription (both channels) and a way to publish. */
export interface InboundRedis {
  subscribe(
    channels: ReadonlyArray<string>,
    onMessage: (channel: string, raw: string) => void,
  ): void;
  publish(channel: string, message: string): Promise<void>;
  close(): void;
}

export interface InboundOptions {
  /** The channel whose messages are commands, e.g. `change_batch_quantity`. */
  readonly channel: string;
  /** Where a leader stepping down marks the point from which its successor takes over. */
  readonly handoverChannel: string;
  /** How long a standby keeps what arrived after a handover mark, waiting to lead. */
  readonly handoverWindowMs: number;
  /** How long a leader stepping down waits to see its own mark come back. */
  readonly markTimeoutMs: number;
}

export const defaultInboundOptions = (channel: string): InboundOptions => ({
  channel,
  handoverChannel: `allocation:handover:${channel}`,
  handoverWindowMs: 10_000,
  markTimeoutMs: 5_000,
});

type State = 'standby' | 'leading' | 'stepping-down' | 'stopped';

/**
 * Inbound Redis commands, executed exactly once however many instances listen. Redis pub/sub
 * gives every subscriber every message and no message an id, so only the leader (see
 * `Leadership`) executes them; the others listen too, so that a handover loses nothing:
 *
 * - a leader that stops publishes a mark on the handover channel and executes what arrives
 *   before its own mark comes back, then lets go of the lead;
 * - a standby keeps what arrives after a mark, and executes it first when it takes the lead.
 *
 * One connection receives both channels in the order Redis published them, so the mark splits
 * the messages between the two exactly. A leader that dies without a mark (kill -9, a lost
 * database connection) hands over at whatever its successor hears next: messages published
 * while nobody leads are not replayed, since pub/sub keeps none.
 */
export class InboundCommands {
  private state: State = 'standby';
  /** What a standby heard since the last mark, while the window is open. */
  private kept: string[] = [];
  private keepingUntil = 0;
  private mark: { id: string; seen: () => void } | undefined;
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly redis: InboundRedis,
    private readonly leadership: Leadership,
    private readonly execute: (raw: string) => Promise<void>,
    private readonly log: SubscriberLog,
    private readonly options: InboundOptions,
    private readonly now: () => number = Date.now,
  ) {}

  get isLeading(): boolean {
    return this.state === 'leading';
  }

  start(): void {
    this.redis.subscribe([this.options.channel, this.options.handoverChannel], (channel, raw) =>
      channel === this.options.handoverChannel ? this.onMark(raw) : this.onCommand(raw),
    );
    this.leadership.onLost(() => {
      if (this.state !== 'leading') return;
      this.log.warn(`Lost the lead on ${this.options.channel}; waiting to lead again`);
      this.state = 'standby';
      this.campaign();
    });
    this.campaign();
  }

  /** Hands over (when leading) and stops; what this instance took is executed first. */
  async stop(): Promise<void> {
    if (this.state === 'leading') {
      this.state = 'stepping-down';
      const id = randomUUID();
      const seen = new Promise<void>((resolve) => (this.mark = { id, seen: resolve }));
      try {
        await this.redis.publish(this.options.handoverChannel, id);
        await Promise.race([
          seen,
          new Promise((resolve) => setTimeout(resolve, this.options.markTimeoutMs).unref()),
        ]);
      } catch (error) {
        this.log.warn(`Could not mark the handover on ${this.options.channel}: ${String(error)}`);
      }
    }
    this.state = 'stopped';
    await this.tail;
    this.redis.close();
    await this.leadership.release();
  }

  private campaign(): void {
    this.leadership.acquire().then(
      () => {
        if (this.state !== 'standby') return;
        // Synchronously, before any later message: what was kept goes first, in order.
        const kept = this.now() <= this.keepingUntil ? this.kept : [];
        this.kept = [];
        this.keepingUntil = 0;
        this.state = 'leading';
        this.log.log(
          `Taking ${this.options.channel} commands (${kept.length} kept from the handover)`,
        );
        for (const raw of kept) this.enqueue(raw);
      },
      (error: unknown) => {
        // Stopped while waiting, or the lock's connection failed: try again unless stopped.
        if (this.state === 'stopped') return;
        this.log.warn(`Waiting to lead ${this.options.channel} failed: ${String(error)}; retrying`);
        setTimeout(() => this.campaign(), 1_000).unref();
      },
    );
  }

  private onCommand(raw: string): void {
    if (this.state === 'leading') this.enqueue(raw);
    else if (this.state === 'stepping-down') this.enqueue(raw);
    else if (this.state === 'standby' && this.now() <= this.keepingUntil) this.kept.push(raw);
  }

  private onMark(id: string): void {
    if (this.state === 'stepping-down' && this.mark?.id === id) {
      // Everything after the mark is the successor's.
      this.state = 'stopped';
      this.mark.seen();
      return;
    }
    if (this.state === 'standby') {
      this.kept = [];
      this.keepingUntil = this.now() + this.options.handoverWindowMs;
    }
  }

  private enqueue(raw: string): void {
    this.tail = this.tail.then(() => this.execute(raw));
  }
}

/** For a single instance (the embedded database serves one): always the leader. */
export const soleLeadership = (): Leadership => ({
  acquire: () => Promise.resolve(),
  onLost: () => undefined,
  release: () => Promise.resolve(),
});
