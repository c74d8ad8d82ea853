/**
 * Tells outbox readers in this process that a unit of work has just committed events, so they
 * look at once instead of at their next poll. Only a hint: readers still poll, because other
 * instances write to the same outbox and an event may stay behind the horizon for a moment.
 *
 * A commit says which event types it wrote, and a reader of some types is woken only by those:
 * under a load of allocations, the readers of placed orders or shipments have nothing to read,
 * and a turn each per commit would cost a transaction each for nothing.
 */
export class OutboxSignal {
  private generation = 0;
  /** The generation of the last commit that named no types (it concerns every reader). */
  private lastUntyped = 0;
  private readonly lastOfType = new Map<string, number>();
  private readonly waiters = new Set<Waiter>();

  /** `types`: the event types just committed; absent, any reader may have something new. */
  notify(types?: Iterable<string>): void {
    this.generation += 1;
    const named = types === undefined ? undefined : new Set(types);
    if (named === undefined) this.lastUntyped = this.generation;
    else for (const type of named) this.lastOfType.set(type, this.generation);
    for (const waiter of this.waiters) {
      if (concerns(waiter.types, named)) waiter.wake();
    }
  }

  /** A mark to pass to `wait`, taken before reading, so a commit during the read is not missed. */
  mark(): number {
    return this.generation;
  }

  /**
   * Resolves after `ms`, or sooner at a commit after `mark` of one of `types` (any commit when
   * absent); at once if one already happened.
   */
  wait(ms: number, mark: number, types?: ReadonlyArray<string>): Promise<void> {
    const wanted = types === undefined ? undefined : new Set(types);
    if (this.committedSince(mark, wanted)) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter: Waiter = {
        types: wanted,
        wake: () => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(waiter.wake, ms);
      timer.unref();
      this.waiters.add(waiter);
    });
  }

  private committedSince(mark: number, types: ReadonlySet<string> | undefined): boolean {
    if (types === undefined || this.lastUntyped > mark) return this.generation !== mark;
    for (const type of types) if ((this.lastOfType.get(type) ?? 0) > mark) return true;
    return false;
  }
}

interface Waiter {
  readonly types: ReadonlySet<string> | undefined;
  readonly wake: () => void;
}

const concerns = (
  wanted: ReadonlySet<string> | undefined,
  committed: ReadonlySet<string> | undefined,
): boolean => {
  if (wanted === undefined || committed === undefined) return true;
  for (const type of committed) if (wanted.has(type)) return true;
  return false;
};
