import * as E from 'fp-ts/Either';
import { ConcurrencyConflict } from '../application/unit-of-work';
import type { TaggedEvent } from './outbox';
import { StatementUnitOfWork, type FlushedContext } from './statement-unit-of-work';

// A toy store: a context keeps its writes, and `flush` applies them all at once, unless the
// store's version moved since the context read it (as the product store's claim does).
class Store {
  version = 0;
  rows: string[] = [];
  outbox: TaggedEvent[] = [];
  flushes = 0;
  ended = 0;
  /** Called at each flush, before the claim: another writer may step in here. */
  beforeFlush: () => void = () => undefined;
}

class ToyContext implements FlushedContext {
  readonly events: TaggedEvent[] = [];
  private readonly kept: string[] = [];
  private readonly readVersion: number;

  constructor(private readonly store: Store) {
    this.readVersion = store.version;
  }

  write(row: string): void {
    this.kept.push(row);
  }

  record(events: ReadonlyArray<TaggedEvent>): void {
    this.events.push(...events);
  }

  async flush(): Promise<void> {
    this.store.flushes += 1;
    this.store.beforeFlush();
    if (this.store.version !== this.readVersion) throw new ConcurrencyConflict('moved');
    this.store.rows.push(...this.kept);
    this.store.outbox.push(...this.events);
    this.store.version += 1;
  }

  ended(): void {
    this.store.ended += 1;
  }
}

const retry = { maxAttempts: 3, baseDelayMs: 0, maxDelayMs: 0 };

describe('a unit of work written by one statement at the end', () => {
  it('writes what the work kept, with its events, when the work succeeds', async () => {
    const store = new Store();
    let told = 0;
    const unit = new StatementUnitOfWork(() => new ToyContext(store), {
      retry,
      onEventsCommitted: () => (told += 1),
    });
    const result = await unit.run(async (context) => {
      context.write('a');
      context.record([{ _tag: 'Written' }]);
      return E.right('done');
    });
    expect(result).toEqual(E.right('done'));
    expect(store).toMatchObject({ rows: ['a'], outbox: [{ _tag: 'Written' }], ended: 1 });
    expect(told).toBe(1);
  });

  it('writes nothing when the work fails, and passes the failure on', async () => {
    const store = new Store();
    const unit = new StatementUnitOfWork(() => new ToyContext(store), { retry });
    const result = await unit.run(async (context) => {
      context.write('a');
      return E.left('refused');
    });
    expect(result).toEqual(E.left('refused'));
    expect(store).toMatchObject({ rows: [], outbox: [], flushes: 0, ended: 1 });
  });

  it('runs the work again on fresh reads when what it read moved before the write', async () => {
    const store = new Store();
    let interfered = false;
    store.beforeFlush = () => {
      if (interfered) return;
      interfered = true;
      store.version += 1;
    };
    let retries = 0;
    const unit = new StatementUnitOfWork(() => new ToyContext(store), {
      retry,
      onRetry: () => (retries += 1),
    });
    const result = await unit.run(async (context) => {
      context.write('a');
      return E.right(undefined);
    });
    expect(E.isRight(result)).toBe(true);
    expect(store).toMatchObject({ rows: ['a'], flushes: 2, ended: 2 });
    expect(retries).toBe(1);
  });

  it('gives up with RetriesExhausted when every attempt loses', async () => {
    const store = new Store();
    store.beforeFlush = () => (store.version += 1);
    const unit = new StatementUnitOfWork(() => new ToyContext(store), { retry });
    const result = await unit.run(async () => E.right(undefined));
    expect(E.isLeft(result) && result.left).toMatchObject({ _tag: 'RetriesExhausted' });
    expect(store).toMatchObject({ rows: [], flushes: 3, ended: 3 });
  });
});
