/**
 * Tells outbox readers in this process that a unit of work has just committed events, so they
 * look at once instead of at their next poll. Only a hint: readers still poll, because other
 * instances write to the same outbox and an event may stay behind the horizon for a moment.
 */
export class OutboxSignal {
  private generation = 0;
  private readonly waiters = new Set<() => void>();

  notify(): void {
    this.generation += 1;
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  /** A mark to pass to `wait`, taken before reading, so a commit during the read is not missed. */
  mark(): number {
    return this.generation;
  }

  /** Resolves after `ms`, or sooner at a commit after `mark` (at once if one already happened). */
  wait(ms: number, mark: number): Promise<void> {
    if (this.generation !== mark) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      timer.unref();
      this.waiters.add(wake);
    });
  }
}
