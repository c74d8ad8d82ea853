import { ConcurrencyConflict } from '@allocation/platform';
import { ProductLocks } from './product-locks';

/** Whether a promise has settled, after the callbacks already due have run. */
const settled = async (promise: Promise<unknown>) => {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe("this process's holds on products", () => {
  it('are free until taken, and free again when let go', () => {
    const locks = new ProductLocks();
    expect(locks.isFree('A')).toBe(true);
    locks.take(['A', 'B']);
    expect([locks.isFree('A'), locks.isFree('B'), locks.isFree('C')]).toEqual([false, false, true]);
    locks.release(['A', 'B']);
    expect([locks.isFree('A'), locks.isFree('B')]).toEqual([true, true]);
  });

  it('refuse to be taken twice: the batcher takes only what it found free', () => {
    const locks = new ProductLocks();
    locks.take(['A']);
    expect(() => locks.take(['A'])).toThrow('not free');
  });

  it('hand a product to its waiters in turn, never freeing it between them', async () => {
    const locks = new ProductLocks();
    const freed: string[] = [];
    locks.onFree(() => freed.push('freed'));
    locks.take(['A']);
    const first = locks.acquire(['A'], 1_000);
    const second = locks.acquire(['A'], 1_000);
    expect(await settled(first)).toBe(false);

    locks.release(['A']);
    expect(await settled(first)).toBe(true);
    expect(await settled(second)).toBe(false);
    // Held by the first waiter, with another behind it: the batcher must keep off.
    expect(locks.isFree('A')).toBe(false);
    expect(freed).toEqual([]);

    locks.release(['A']);
    expect(await settled(second)).toBe(true);
    locks.release(['A']);
    expect(locks.isFree('A')).toBe(true);
    expect(freed).toEqual(['freed']);
  });

  it('give up a wait after its deadline with a conflict, letting go of what that call took', async () => {
    const locks = new ProductLocks();
    locks.take(['B']);
    // A is free and taken first (SKU order); B stays busy past the deadline.
    await expect(locks.acquire(['B', 'A'], 20)).rejects.toBeInstanceOf(ConcurrencyConflict);
    expect(locks.isFree('A')).toBe(true);
    // The waiter left B's queue: B is still held, and free once let go.
    expect(locks.isFree('B')).toBe(false);
    locks.release(['B']);
    expect(locks.isFree('B')).toBe(true);
  });
});
