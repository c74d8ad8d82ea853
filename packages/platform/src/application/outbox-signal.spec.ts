import { OutboxSignal } from './outbox-signal';

/** Whether the promise has settled once everything already queued has run. */
const settled = async (promise: Promise<void>): Promise<boolean> => {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

// Long enough never to be what ends a wait in these tests; each wait is ended by a commit.
const LONG = 60_000;

describe('the outbox signal', () => {
  it('wakes a reader of some types at a commit of one of them, and not at others', async () => {
    const signal = new OutboxSignal();
    const waiting = signal.wait(LONG, signal.mark(), ['OrderPlaced', 'OrderCancelled']);
    signal.notify(['Allocated', 'Allocated']);
    expect(await settled(waiting)).toBe(false);
    signal.notify(['Allocated', 'OrderCancelled']);
    expect(await settled(waiting)).toBe(true);
  });

  it('wakes a reader of every type at any commit', async () => {
    const signal = new OutboxSignal();
    const waiting = signal.wait(LONG, signal.mark());
    signal.notify(['Allocated']);
    expect(await settled(waiting)).toBe(true);
  });

  it('wakes every reader at a commit that names no types', async () => {
    const signal = new OutboxSignal();
    const waiting = signal.wait(LONG, signal.mark(), ['OutOfStock']);
    signal.notify();
    expect(await settled(waiting)).toBe(true);
  });

  it('does not miss a commit of its types made between its mark and its wait', async () => {
    const signal = new OutboxSignal();
    const mark = signal.mark();
    signal.notify(['OutOfStock']);
    expect(await settled(signal.wait(LONG, mark, ['OutOfStock']))).toBe(true);
    // Commits of other types since the mark do not count.
    const later = signal.mark();
    signal.notify(['Allocated']);
    const waiting = signal.wait(LONG, later, ['OutOfStock']);
    expect(await settled(waiting)).toBe(false);
    signal.notify(['OutOfStock']);
    expect(await settled(waiting)).toBe(true);
  });

  it('ends a wait at its time when nothing of its types is committed', async () => {
    const signal = new OutboxSignal();
    const waiting = signal.wait(1, signal.mark(), ['PickListConfirmed']);
    signal.notify(['Allocated']);
    await waiting;
    expect(await settled(waiting)).toBe(true);
  });
});
