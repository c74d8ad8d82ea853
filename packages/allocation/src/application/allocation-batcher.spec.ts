import * as fc from 'fast-check';
import * as E from 'fp-ts/Either';
import type {
  Allocate,
  ChangeBatchQuantity,
  Deallocate,
  Command,
  FulfilmentCommand,
} from '@allocation/allocation-domain';
import { PrismaService, PrismaUnitOfWork } from '@allocation/platform';
import {
  allocateCommand,
  changeQuantityCommand,
  createBatchCommand,
  must,
} from '../testing/commands';
import {
  createTestDatabase,
  recordingPrisma,
  type TestDatabase,
} from '@allocation/platform/testing';
import { deallocateCommand } from './product.commands';
import { BatchDirectory } from '../infrastructure/batch-directory';
import { PooledProductStore } from '../infrastructure/pooled-product-store';
import { prismaAllocationBus } from '../testing/prisma-allocation-bus';
import type { AllocationBus } from './allocation-bus';
import {
  AllocationBatcher,
  defaultBatcherOptions,
  type AllocationOutcome,
} from './allocation-batcher';
import { ProductLocks } from './product-locks';
import { fulfilmentBus } from '../fulfilment.module';
import { prismaFulfilmentTransaction } from '../infrastructure/prisma-fulfilment-transaction';
import type { FulfilmentBus } from './fulfilment-bus';
import { createPickListCommand, pickListCommand } from './pick-list.commands';

// The same random command sequences, run one at a time on one database and with allocations and
// quantity changes batched on another: every result, every product's events in order and the
// final state must be the same.
let oneByOne: {
  database: TestDatabase;
  prisma: PrismaService;
  bus: AllocationBus;
  /** Pick lists reserve and ship lines through the same product store. */
  fulfilment: FulfilmentBus;
};
let batched: typeof oneByOne & { batcher: AllocationBatcher };

/** One process's holds on products and hints of where batches are, shared as the module does. */
interface Shared {
  readonly holds: ProductLocks;
  readonly batches: BatchDirectory;
}

const open = async (statements: boolean, shared?: Shared) => {
  const database = await createTestDatabase();
  const prisma = new PrismaService({ url: database.url, poolSize: 4 });
  const holds = shared === undefined ? {} : { holds: shared.holds };
  const fulfilment = fulfilmentBus(
    new PrismaUnitOfWork(prisma, prismaFulfilmentTransaction(shared?.holds)),
  );
  const bus = prismaAllocationBus(prisma, { statements, ...holds, ...(shared ?? {}) });
  return { database, prisma, bus, fulfilment };
};

beforeAll(async () => {
  // One by one in transactions; batched beside commands that run without one, as the module
  // composes them (sharing the process's holds and where each batch was last found): the group
  // commit goes on from what it remembers, and the two ways must agree.
  oneByOne = await open(false);
  const shared: Shared = { holds: new ProductLocks(), batches: new BatchDirectory() };
  const side = await open(true, shared);
  batched = {
    ...side,
    batcher: new AllocationBatcher(
      // Few lines remembered per batch, so runs also meet records cut short.
      new PooledProductStore(side.prisma.sql, { linesPerBatch: 3 }),
      side.bus,
      defaultBatcherOptions,
      () => undefined,
      {},
      shared.holds,
      (reference) => shared.batches.skuOf(reference),
    ),
  };
});

afterAll(async () => {
  for (const side of [oneByOne, batched]) {
    await side.prisma.close();
    await side.database.drop();
  }
});

type Step =
  | {
      kind: 'allocate';
      order: number;
      sku: number;
      quantity: number;
      split: boolean;
      /** A placed order's line: it waits in the product's queue when stock is short. */
      waits: boolean;
    }
  | { kind: 'repeat'; index: number }
  | { kind: 'conflicting'; index: number; quantity: number }
  | { kind: 'deallocate'; order: number }
  | { kind: 'change'; batch: number; quantity: number }
  | { kind: 'add'; batch: number; sku: number; quantity: number; eta: boolean }
  | { kind: 'remove'; batch: number }
  | { kind: 'pick' }
  | { kind: 'confirm' | 'cancel' };

const allocateStep = (lastSku: number): fc.Arbitrary<Step> =>
  fc.record({
    kind: fc.constant('allocate' as const),
    order: fc.nat(6),
    sku: fc.nat(lastSku),
    quantity: fc.integer({ min: 1, max: 7 }),
    split: fc.boolean(),
    waits: fc.boolean(),
  });

const changeStep = (most = 10): fc.Arbitrary<Step> =>
  fc.record({
    kind: fc.constant('change' as const),
    batch: fc.nat(5),
    quantity: fc.nat(most),
  });

const deallocateStep: fc.Arbitrary<Step> = fc.record({
  kind: fc.constant('deallocate' as const),
  order: fc.nat(6),
});

const repeatStep: fc.Arbitrary<Step> = fc.record({
  kind: fc.constant('repeat' as const),
  index: fc.nat(),
});

/** Steps over SKUs S0..S`lastSku`; S0-S2 have batches, any higher one is never stocked. */
const stepOver = (lastSku: number): fc.Arbitrary<Step> =>
  fc.oneof(
    { weight: 6, arbitrary: allocateStep(lastSku) },
    { weight: 2, arbitrary: repeatStep },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('conflicting' as const),
        index: fc.nat(),
        quantity: fc.integer({ min: 1, max: 7 }),
      }),
    },
    { weight: 1, arbitrary: deallocateStep },
    { weight: 1, arbitrary: changeStep() },
    {
      // A batch added mid-run (b6-b9; again under a taken reference, it is refused), and one
      // removed: the stock they bring or take serves or pushes out lines.
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('add' as const),
        batch: fc.integer({ min: 6, max: 9 }),
        sku: fc.nat(lastSku),
        quantity: fc.integer({ min: 1, max: 8 }),
        eta: fc.boolean(),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('remove' as const), batch: fc.nat(9) }),
    },
    // A pick list of the run's lines left to pick (reserved until it is confirmed, which ships
    // them, or cancelled), then the newest list confirmed or cancelled.
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('pick' as const) }) },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constantFrom('confirm' as const, 'cancel' as const) }),
    },
  );

let run = 0;

type AnyCommand = Command | FulfilmentCommand;

const isPickListCommand = (command: AnyCommand): command is FulfilmentCommand =>
  command._tag === 'CreatePickList' ||
  command._tag === 'ConfirmPickList' ||
  command._tag === 'CancelPickList';

/** The steps as commands of their own run (fresh names, so runs share the databases). */
const commandsOf = (steps: ReadonlyArray<Step>, prefix: string): AnyCommand[] => {
  const allocations: Allocate[] = [];
  const orders = [0, 1, 2, 3, 4, 5, 6].map((n) => `${prefix}o${n}`);
  let lists = 0;
  return steps.map((s): AnyCommand => {
    switch (s.kind) {
      case 'allocate': {
        const command = {
          ...allocateCommand(`${prefix}o${s.order}`, `${prefix}S${s.sku}`, s.quantity, s.split),
          backorder: s.waits,
        };
        allocations.push(command);
        return command;
      }
      case 'repeat':
      case 'conflicting': {
        const earlier = allocations[s.index % Math.max(1, allocations.length)];
        if (earlier === undefined) return allocateCommand(`${prefix}o0`, `${prefix}S0`, 1);
        return s.kind === 'repeat'
          ? earlier
          : { ...earlier, quantity: allocateCommand('x', 'x', s.quantity).quantity };
      }
      case 'deallocate':
        return must(deallocateCommand(`${prefix}o${s.order}`));
      case 'change':
        return changeQuantityCommand(`${prefix}b${s.batch}`, s.quantity);
      case 'add':
        return createBatchCommand(
          `${prefix}b${s.batch}`,
          `${prefix}S${s.sku}`,
          s.quantity,
          s.eta ? '2026-12-24' : null,
        );
      case 'pick':
        lists += 1;
        return must(createPickListCommand(`${prefix}p${lists}`, orders));
      case 'confirm':
        return must(pickListCommand('ConfirmPickList', `${prefix}p${lists}`));
      case 'cancel':
        return must(pickListCommand('CancelPickList', `${prefix}p${lists}`));
      case 'remove':
        return {
          _tag: 'RemoveBatch',
          reference: createBatchCommand(`${prefix}b${s.batch}`, 'x', 1).reference,
        };
    }
  });
};

/** Results as a caller sees them, free of anything that differs between databases. */
const seen = (
  result: E.Either<{ _tag: string; message: string }, { value: unknown; events: unknown }>,
) =>
  E.isLeft(result)
    ? { failure: result.left._tag, message: result.left.message }
    : { value: result.right.value ?? null, events: result.right.events };

/** One command on one side, through the bus that takes it. */
const handleOn = (side: typeof oneByOne, command: AnyCommand) =>
  isPickListCommand(command) ? side.fulfilment.handle(command) : side.bus.handle(command);

type Batchable = Allocate | ChangeBatchQuantity | Deallocate;
const batchable = (command: AnyCommand | undefined): command is Batchable =>
  command?._tag === 'Allocate' ||
  command?._tag === 'ChangeBatchQuantity' ||
  command?._tag === 'Deallocate';

/** A batchable command submitted to the batcher, as its HTTP route does. */
const submitted = (command: Batchable) => {
  switch (command._tag) {
    case 'Allocate':
      return batched.batcher.submit(command);
    case 'ChangeBatchQuantity':
      return batched.batcher.change(command);
    case 'Deallocate':
      return batched.batcher.deallocate(command);
  }
};

/**
 * Runs the commands: allocations, quantity changes and deallocations that follow each other go
 * to the batcher together, submitted in the same turn as concurrent requests would be.
 */
const runBatched = async (commands: ReadonlyArray<AnyCommand>) => {
  const results: unknown[] = [];
  for (let i = 0; i < commands.length;) {
    const command = commands[i] as AnyCommand;
    if (!batchable(command)) {
      results.push(seen(await handleOn(batched, command)));
      i += 1;
      continue;
    }
    const group: Batchable[] = [];
    for (let next = commands[i]; batchable(next); next = commands[++i]) group.push(next);
    const outcomes = await Promise.all(group.map(submitted));
    results.push(...outcomes.map(seen));
  }
  return results;
};

/** What the databases hold for one run: products, lines, backorders, outbox. */
const stateOf = async (prisma: PrismaService, prefix: string) => {
  const like = `${prefix}%`;
  const q = <T>(sql: string) => prisma.client.$queryRawUnsafe<T[]>(sql, like);
  return {
    products: await q(`SELECT sku, version FROM products WHERE sku LIKE $1 ORDER BY sku`),
    batches: await q(
      `SELECT reference, purchased_quantity::int, allocated_quantity::int, reserved_quantity::int
         FROM batches WHERE sku LIKE $1 ORDER BY reference`,
    ),
    lines: await q(
      `SELECT order_id, sku, batch_reference, quantity::int, accepted::int, pick_list_id
         FROM allocations WHERE sku LIKE $1 ORDER BY order_id, sku, batch_reference`,
    ),
    backorders: await q(
      `SELECT sku, order_id, quantity::int, allow_split, accepted::int, position FROM backorders
        WHERE sku LIKE $1 ORDER BY sku, accepted, position`,
    ),
    shipped: await q(
      `SELECT order_id, sku, batch_reference, pick_list_id, quantity::int FROM shipped_lines
        WHERE sku LIKE $1 ORDER BY order_id, sku, batch_reference, pick_list_id`,
    ),
    // Each product's events in the order they happened. Commands of different products commute,
    // and the batcher may take one past another product's command that must wait (a quantity
    // change behind an allocation of its product waits for the next batch).
    outbox: await q(
      `SELECT type, data FROM outbox WHERE data->>'sku' LIKE $1 ORDER BY data->>'sku', xid, id`,
    ),
  };
};

describe('allocations batched together (group commit)', () => {
  const sameAsOneByOne = (
    lastSku: number,
    numRuns: number,
    examples: ReadonlyArray<ReadonlyArray<Step>> = [],
    step: fc.Arbitrary<Step> = stepOver(lastSku),
  ) =>
    fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 24 }), async (steps) => {
        run += 1;
        const prefix = `r${run}-`;
        const setup = [0, 1, 2].flatMap((sku) => [
          createBatchCommand(`${prefix}b${sku * 2}`, `${prefix}S${sku}`, 4),
          createBatchCommand(`${prefix}b${sku * 2 + 1}`, `${prefix}S${sku}`, 6, '2027-01-01'),
        ]);
        for (const side of [oneByOne, batched]) {
          for (const command of setup) must(await side.bus.handle(command));
        }
        const commands = commandsOf(steps, prefix);
        const expected: unknown[] = [];
        for (const command of commands) expected.push(seen(await handleOn(oneByOne, command)));
        expect(await runBatched(commands)).toEqual(expected);
        expect(await stateOf(batched.prisma, prefix)).toEqual(
          await stateOf(oneByOne.prisma, prefix),
        );
      }),
      { numRuns, examples: examples.map((steps) => [[...steps]]) },
    );

  /** An order line that takes stock at once (it neither splits nor waits). */
  const line = (order: number, quantity: number, sku = 0): Step & { kind: 'allocate' } => ({
    kind: 'allocate',
    order,
    sku,
    quantity,
    split: false,
    waits: false,
  });
  /**
   * Two lines, a shrink of the batch the first went to (b0, S0's 4 in stock) and the first
   * order's deallocation, submitted together: the lines and the change in one batch, then the
   * deallocation in a batch of its own. The random runs may happen to hold none of these.
   */
  const batchedForSure: ReadonlyArray<Step> = [
    line(0, 2),
    line(1, 1, 1),
    { kind: 'change', batch: 0, quantity: 1 },
    { kind: 'deallocate', order: 0 },
  ];

  it('give exactly the results, events and final state of running them one by one', async () => {
    // Besides the random runs, ones that surely ship a list, cancel another and form batches.
    await sameAsOneByOne(2, 40, [
      [line(0, 2), { kind: 'pick' }, line(1, 1), { kind: 'confirm' }],
      [line(2, 3), { kind: 'pick' }, { kind: 'cancel' }, line(3, 1)],
      batchedForSure,
    ]);
    // The property means something only if batches really formed.
    expect(batched.batcher.stats.commands).toBeGreaterThan(batched.batcher.stats.batches);
    expect(batched.batcher.stats.changes).toBeGreaterThan(0);
    expect(batched.batcher.stats.fallbacks).toBe(0);
    // ...and if pick lists really reserved and shipped lines between the batches.
    const [picked] = await batched.prisma.client.$queryRaw<
      Array<{ lists: number; shipped: number }>
    >`
      SELECT (SELECT count(*)::int FROM pick_lists) AS lists,
             (SELECT count(*)::int FROM shipped_lines) AS shipped`;
    expect(picked?.lists).toBeGreaterThan(0);
    expect(picked?.shipped).toBeGreaterThan(0);
  });

  it('do the same with SKUs never stocked: a placed line creates its product and waits', async () => {
    const before = { ...batched.batcher.stats };
    const placed = (order: number, sku: number): Step => ({
      ...line(order, 2, sku),
      waits: true,
    });
    await sameAsOneByOne(4, 30, [[placed(0, 3), placed(1, 4), placed(2, 3), line(3, 1)]]);
    expect(batched.batcher.stats.commands - before.commands).toBeGreaterThan(
      batched.batcher.stats.batches - before.batches,
    );
  });

  it('do the same when allocations, quantity changes and deallocations run on with nothing between them', async () => {
    // Every step goes to the group commit, so shrinks (mostly below what a batch holds) and
    // deallocations meet the lines it allocated itself, and an order's deallocation meets its
    // allocations submitted just before it.
    const before = { ...batched.batcher.stats };
    const step = fc.oneof(
      { weight: 5, arbitrary: allocateStep(2) },
      { weight: 1, arbitrary: changeStep(2) },
      { weight: 1, arbitrary: changeStep(10) },
      { weight: 1, arbitrary: repeatStep },
      { weight: 1, arbitrary: deallocateStep },
    );
    await sameAsOneByOne(2, 30, [batchedForSure], step);
    expect(batched.batcher.stats.changes - before.changes).toBeGreaterThan(0);
    expect(batched.batcher.stats.deallocations - before.deallocations).toBeGreaterThan(0);
    expect(batched.batcher.stats.fallbacks).toBe(0);
  });

  it("take a quantity change in among its product's allocations, as one by one would", async () => {
    // b0 holds 4 of S0 and is preferred. Two lines go to it, the shrink to 1 lets both go (the
    // newest first, though no statement has stored them yet) to b1, a third line takes what b0
    // has left, and the first order's line, repeated, is found where the shrink moved it.
    const before = { ...batched.batcher.stats };
    const together: ReadonlyArray<Step> = [
      line(0, 2),
      line(1, 1),
      { kind: 'change', batch: 0, quantity: 1 },
      line(2, 1),
      line(0, 2),
    ];
    await sameAsOneByOne(2, 1, [together]);
    // One batch took all five; the repeat, its order's line moved by the change, ran after it.
    expect(batched.batcher.stats.batches - before.batches).toBe(1);
    expect(batched.batcher.stats.commands - before.commands).toBe(5);
    expect(batched.batcher.stats.changes - before.changes).toBe(1);
    expect(batched.batcher.stats.fallbacks).toBe(0);
  });

  it('decide a batch again when another writer changed its product meanwhile, as one by one would', async () => {
    const prefix = 'retry-';
    for (const side of [oneByOne, batched]) {
      must(await side.bus.handle(createBatchCommand(`${prefix}b`, `${prefix}S`, 5)));
    }
    // Another process allocates 2 between this batch's load and its commit, once.
    const store = new PooledProductStore(batched.prisma.sql);
    const commit = store.commit.bind(store);
    let interfered = false;
    let retriesReported = 0;
    const contested = new AllocationBatcher(
      Object.assign(store, {
        commit: async (...args: Parameters<typeof commit>) => {
          if (!interfered) {
            interfered = true;
            must(await batched.bus.handle(allocateCommand(`${prefix}other`, `${prefix}S`, 2)));
          }
          return commit(...args);
        },
      }),
      batched.bus,
      undefined,
      undefined,
      { retried: () => (retriesReported += 1) },
    );
    must(await oneByOne.bus.handle(allocateCommand(`${prefix}other`, `${prefix}S`, 2)));
    const commands = [1, 2].map((i) => allocateCommand(`${prefix}o${i}`, `${prefix}S`, 2));
    const outcomes = await Promise.all(commands.map((c) => contested.submit(c)));
    const alone = [];
    for (const command of commands) alone.push(await oneByOne.bus.handle(command));
    expect(contested.stats).toMatchObject({ retries: 1, fallbacks: 0 });
    // What `allocation_batch_retries_total` counts.
    expect(retriesReported).toBe(1);
    const label = (o: AllocationOutcome) => (E.isRight(o) ? 'allocated' : o.left._tag);
    expect(outcomes.map(label)).toEqual(['allocated', 'OutOfStock']);
    expect(outcomes.map(label)).toEqual(alone.map(label));
  });

  it('run a batch that cannot commit again one command at a time, with the same results', async () => {
    const prefix = 'fallback-';
    for (const side of [oneByOne, batched]) {
      must(await side.bus.handle(createBatchCommand(`${prefix}b`, `${prefix}S`, 5)));
    }
    // A product changed between the batch's load and its commit: the version claim fails.
    const store = new PooledProductStore(batched.prisma.sql);
    const commit = store.commit.bind(store);
    const sabotaged = new AllocationBatcher(
      Object.assign(store, {
        commit: async (...args: Parameters<typeof commit>) => {
          await batched.prisma.client.$executeRaw`
            UPDATE products SET version = version + 100 WHERE sku = ${`${prefix}S`}`;
          await commit(...args);
        },
      }),
      batched.bus,
    );
    const commands = [1, 2, 3].map((i) => allocateCommand(`${prefix}o${i}`, `${prefix}S`, 2));
    const outcomes = await Promise.all(commands.map((c) => sabotaged.submit(c)));
    expect(sabotaged.stats.fallbacks).toBe(1);
    expect(outcomes.map((o) => (E.isRight(o) ? 'allocated' : o.left._tag))).toEqual([
      'allocated',
      'allocated',
      'OutOfStock',
    ]);
    // Nothing of the failed commit was kept: each line is there once, from the fallback.
    const lines = await batched.prisma.client.$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM allocations WHERE sku = ${`${prefix}S`}`;
    expect(lines[0]?.n).toBe(2);
  });

  it("leave a product this process's unit of work holds out of its batches, and take it up when let go", async () => {
    const prefix = 'held-';
    const locks = new ProductLocks();
    const bus = prismaAllocationBus(batched.prisma, { holds: locks });
    for (const sku of ['H', 'F']) {
      must(await bus.handle(createBatchCommand(`${prefix}${sku}b`, `${prefix}${sku}`, 10)));
    }
    const committed: Array<{ seconds: number; commands: number }> = [];
    const batcher = new AllocationBatcher(
      new PooledProductStore(batched.prisma.sql),
      bus,
      defaultBatcherOptions,
      () => undefined,
      { committed: (seconds, commands) => committed.push({ seconds, commands }) },
      locks,
    );
    // As a unit of work that loaded H holds it until its transaction ends.
    await locks.acquire([`${prefix}H`], 1_000);
    let heldAnswered = false;
    const held = [1, 2].map((i) =>
      batcher.submit(allocateCommand(`${prefix}h${i}`, `${prefix}H`, 1)).then((outcome) => {
        heldAnswered = true;
        return outcome;
      }),
    );
    const free = await batcher.submit(allocateCommand(`${prefix}f`, `${prefix}F`, 1));
    expect(E.isRight(free)).toBe(true);
    expect(heldAnswered).toBe(false);

    locks.release([`${prefix}H`]);
    const outcomes = await Promise.all(held);
    expect(outcomes.map((o) => (E.isRight(o) ? o.right.value.outcome : o.left._tag))).toEqual([
      'allocated',
      'allocated',
    ]);
    // Two batches, no fallback: F's alone, then H's two together once H was free.
    expect(batcher.stats).toMatchObject({ batches: 2, commands: 3, fallbacks: 0 });
    expect(committed.map((c) => c.commands)).toEqual([1, 2]);
    expect(committed.every((c) => c.seconds > 0)).toBe(true);
    expect(locks.isFree(`${prefix}H`)).toBe(true);
  });
});

describe('a batch on products the group commit wrote last', () => {
  const outcomeOf = (o: AllocationOutcome) =>
    E.isLeft(o) ? o.left._tag : o.right.value.created ? o.right.value.outcome : 'repeat';

  /** The processes a test opened, closed after it. */
  const opened: Array<{ close(): Promise<void> }> = [];
  /**
   * A process of its own on the batched database: its bus and batcher share its holds, as the
   * module wires them, and the statements it sends while a batch runs are counted.
   */
  const process = (linesPerBatch = 2_048) => {
    const { prisma, recorded } = recordingPrisma(batched.database.url);
    opened.push(prisma);
    const locks = new ProductLocks();
    const clock = { now: 0 };
    /** Where each batch's products came from, as `allocation_batch_loads_total` counts. */
    const sources: string[] = [];
    const batches = new BatchDirectory();
    const bus = prismaAllocationBus(prisma, { statements: true, holds: locks, batches });
    const batcher = new AllocationBatcher(
      new PooledProductStore(prisma.sql, {
        contestedForMs: { first: 1_000, most: 60_000 },
        now: () => clock.now,
        onLoad: (source) => sources.push(source),
        linesPerBatch,
      }),
      bus,
      defaultBatcherOptions,
      () => undefined,
      {},
      locks,
      (reference) => batches.skuOf(reference),
    );
    /** Runs a batch, and counts the product store's loads and writes it sent. */
    const counted = async <T>(run: () => Promise<T>) => {
      const { result, statements } = await recorded(run);
      const count = (text: string) => statements.filter((sql) => sql.includes(text)).length;
      // The product store's prepared statements, known by their text.
      return {
        result,
        loads: count('WITH wanted AS'),
        writes: count('AS x(sku, old_version, new_version)'),
        lookups: count('SELECT sku FROM allocations WHERE order_id'),
      };
    };
    /** A batch of one: its outcome, and the loads and writes of the product store it sent. */
    const batch = async (command: Allocate) => {
      const { result, loads, writes } = await counted(() => batcher.submit(command));
      return { outcome: outcomeOf(result), loads, writes };
    };
    /** A batch of one quantity change: the lines it let go, and its loads and writes. */
    const change = async (command: ChangeBatchQuantity) => {
      const { result, loads, writes } = await counted(() => batcher.change(command));
      const events = must(result).events;
      const deallocated = events.flatMap((e) => (e._tag === 'Deallocated' ? [e.orderId] : []));
      return { deallocated, loads, writes };
    };
    /** A whole order's deallocation: the products it let go of, its lookups, loads and writes. */
    const deallocate = async (orderId: string) => {
      const { result, loads, writes, lookups } = await counted(() =>
        batcher.deallocate(must(deallocateCommand(orderId))),
      );
      if (E.isLeft(result)) return { refused: result.left._tag, loads, writes, lookups };
      const events = result.right.events;
      const released = events.flatMap((e) => (e._tag === 'Deallocated' ? [e.sku] : []));
      return { released, loads, writes, lookups };
    };
    return {
      bus,
      batcher,
      batch,
      change,
      deallocate,
      clock,
      sources,
    };
  };

  afterEach(async () => {
    for (const prisma of opened.splice(0)) await prisma.close();
  });

  it('is decided on them as written, and written in one statement', async () => {
    const { bus, batcher, batch, sources } = process();
    must(await bus.handle(createBatchCommand('once-b', 'ONCE', 10)));
    expect(await batch(allocateCommand('once-1', 'ONCE', 4))).toEqual({
      outcome: 'allocated',
      loads: 1,
      writes: 1,
    });
    expect(await batch(allocateCommand('once-2', 'ONCE', 4))).toEqual({
      outcome: 'allocated',
      loads: 0,
      writes: 1,
    });
    expect(await batch(allocateCommand('once-3', 'ONCE', 4))).toEqual({
      outcome: 'OutOfStock',
      loads: 0,
      writes: 1,
    });
    expect(batcher.stats).toMatchObject({ retries: 0, fallbacks: 0 });
    expect(sources).toEqual(['database', 'memory', 'memory']);
  });

  it('answers an order line that is already stored as a repeat, and goes on without loading', async () => {
    const { bus, batch } = process();
    must(await bus.handle(createBatchCommand('rep-b', 'REP', 10)));
    // Stored before this batcher remembered the product.
    must(await bus.handle(allocateCommand('rep-1', 'REP', 3)));
    expect((await batch(allocateCommand('rep-2', 'REP', 1))).outcome).toBe('allocated');
    // Taken to be absent, the line is found at the commit: decided again, from a load.
    expect(await batch(allocateCommand('rep-1', 'REP', 3))).toMatchObject({
      outcome: 'repeat',
      loads: 1,
    });
    // A retried line is no other writer: the product is still trusted.
    expect(await batch(allocateCommand('rep-3', 'REP', 1))).toMatchObject({
      outcome: 'allocated',
      loads: 0,
    });
    const [stored] = await batched.prisma.client.$queryRaw<Array<{ held: number }>>`
      SELECT allocated_quantity::int AS held FROM batches WHERE reference = 'rep-b'`;
    expect(stored?.held).toBe(5);
  });

  it('decides a batch again from a load of all its products when lines taken to be absent were stored', async () => {
    const { bus, batcher } = process();
    // Lines written without a transaction: the products are remembered as written, without
    // their lines...
    for (const sku of ['REPA', 'REPB']) {
      must(await bus.handle(createBatchCommand(`${sku.toLowerCase()}-b`, sku, 10)));
      must(await bus.handle(allocateCommand('rr-1', sku, 2)));
    }
    // ...and one then changed in a transaction: forgotten. The first attempt loads only it.
    must(await bus.handle(createBatchCommand('repb-b2', 'REPB', 5)));
    const repeats = await Promise.all(
      ['REPA', 'REPB'].map((sku) => batcher.submit(allocateCommand('rr-1', sku, 2))),
    );
    expect(repeats.map(outcomeOf)).toEqual(['repeat', 'repeat']);
    // Decided again once, on both products as stored, not one at a time.
    expect(batcher.stats).toMatchObject({ retries: 1, fallbacks: 0 });
  });

  it('is decided again from what is stored when another process changed one, then loads for a while', async () => {
    const { bus, batcher, batch, clock } = process();
    must(await bus.handle(createBatchCommand('moved-b1', 'MOVED', 2)));
    expect((await batch(allocateCommand('moved-1', 'MOVED', 2))).outcome).toBe('allocated');
    // Another process brings stock this one has not seen.
    const other = prismaAllocationBus(batched.prisma, { statements: true });
    must(await other.handle(createBatchCommand('moved-b2', 'MOVED', 9)));
    // As remembered, the product is sold out; as stored, the line fits.
    expect(await batch(allocateCommand('moved-2', 'MOVED', 3))).toEqual({
      outcome: 'allocated',
      loads: 1,
      writes: 2,
    });
    expect(batcher.stats).toMatchObject({ retries: 1, fallbacks: 0 });
    // Another writer is about: every batch loads for a second...
    clock.now += 999;
    expect(await batch(allocateCommand('moved-3', 'MOVED', 1))).toMatchObject({ loads: 1 });
    // ...and then trusted again.
    clock.now += 1;
    expect(await batch(allocateCommand('moved-4', 'MOVED', 1))).toMatchObject({ loads: 0 });
    expect(batcher.stats).toMatchObject({ retries: 1, fallbacks: 0 });
  });

  it("goes on from what this process's units of work stored, loading only after a transaction", async () => {
    const { bus, batcher, batch } = process();
    must(await bus.handle(createBatchCommand('own-b', 'OWN', 2)));
    expect(await batch(allocateCommand('own-1', 'OWN', 2))).toMatchObject({
      outcome: 'allocated',
      loads: 1,
    });
    // A quantity change writes without a transaction and tells what it stored.
    must(await bus.handle(changeQuantityCommand('own-b', 6)));
    expect(await batch(allocateCommand('own-2', 'OWN', 4))).toMatchObject({
      outcome: 'allocated',
      loads: 0,
    });
    // A new batch is written in a transaction: the product is loaded again.
    must(await bus.handle(createBatchCommand('own-b2', 'OWN', 5)));
    expect(await batch(allocateCommand('own-3', 'OWN', 5))).toMatchObject({
      outcome: 'allocated',
      loads: 1,
    });
    expect(batcher.stats).toMatchObject({ retries: 0, fallbacks: 0 });
  });
  it('remembers a bounded number of lines per batch: a shrink past them loads', async () => {
    const { bus, batch, change } = process(4);
    for (const sku of ['BOUND', 'BEYOND']) {
      must(await bus.handle(createBatchCommand(`${sku.toLowerCase()}-b`, sku, 10)));
      for (const n of [1, 2, 3, 4, 5]) {
        const line = allocateCommand(`${sku.toLowerCase()}-${n}`, sku, 1);
        expect((await batch(line)).outcome).toBe('allocated');
      }
    }
    // Past four lines it kept the newest half and went on: 3, 4 and 5 cover a shrink by 3...
    expect(await change(changeQuantityCommand('bound-b', 2))).toEqual({
      deallocated: ['bound-5', 'bound-4', 'bound-3'],
      loads: 0,
      writes: 1,
    });
    // ...but not one by 4: the lines are loaded, the same ones as one at a time.
    expect(await change(changeQuantityCommand('beyond-b', 1))).toEqual({
      deallocated: ['beyond-5', 'beyond-4', 'beyond-3', 'beyond-2'],
      loads: 1,
      writes: 1,
    });
  });

  it('forgets a split line the bound pushed out of one batch in the others too', async () => {
    const { bus, batch, change, deallocate } = process(2);
    must(await bus.handle(createBatchCommand('ev-a', 'EVICT', 5)));
    must(await bus.handle(createBatchCommand('ev-b', 'EVICT', 3, '2027-01-01')));
    must(await bus.handle(allocateCommand('ev-0', 'EVICT', 1)));
    // ev-1 fits neither batch whole: it takes the 4 units ev-a has free and 1 of ev-b. Two
    // more lines in ev-b pass the bound of 2 there, and ev-1, the oldest, is let go of in both
    // batches' records.
    const split = allocateCommand('ev-1', 'EVICT', 5, true);
    expect((await batch(split)).outcome).toBe('allocated');
    for (const order of ['ev-2', 'ev-3']) {
      expect((await batch(allocateCommand(order, 'EVICT', 1))).outcome).toBe('allocated');
    }
    expect(await deallocate('ev-1')).toMatchObject({ released: ['EVICT'], loads: 1 });
    expect((await batch(allocateCommand('ev-4', 'EVICT', 2))).outcome).toBe('allocated');
    // ev-a holds ev-0 and ev-4: the one line it knows does not cover 3 units, so it loads.
    expect(await change(changeQuantityCommand('ev-a', 0))).toEqual({
      deallocated: ['ev-4', 'ev-0'],
      loads: 1,
      writes: 1,
    });
  });

  it('shrinks a batch in the same statement, letting go of the newest lines it allocated itself', async () => {
    const { bus, batcher, batch, change } = process();
    must(await bus.handle(createBatchCommand('shrink-b', 'SHRINK', 10)));
    // Allocated before this batcher remembered the product: not among its newest lines.
    must(await bus.handle(allocateCommand('shrink-0', 'SHRINK', 2)));
    for (const [order, quantity] of [
      ['shrink-1', 3],
      ['shrink-2', 2],
      ['shrink-3', 1],
    ] as const) {
      expect((await batch(allocateCommand(order, 'SHRINK', quantity))).outcome).toBe('allocated');
    }
    // 8 held, 5 kept: the two newest lines cover the 3 units, with no load.
    expect(await change(changeQuantityCommand('shrink-b', 5))).toEqual({
      deallocated: ['shrink-3', 'shrink-2'],
      loads: 0,
      writes: 1,
    });
    // Growing lets no line go, so needs none; the stock it adds serves the two waiting lines
    // again, in the order they were accepted.
    expect(await change(changeQuantityCommand('shrink-b', 9))).toEqual({
      deallocated: [],
      loads: 0,
      writes: 1,
    });
    // Lines served from the queue are the batch's newest now, with the stamps they waited
    // with: a shrink lets them go first, still from memory.
    expect(await change(changeQuantityCommand('shrink-b', 2))).toEqual({
      deallocated: ['shrink-3', 'shrink-2', 'shrink-1'],
      loads: 0,
      writes: 1,
    });
    expect(batcher.stats).toMatchObject({ retries: 0, fallbacks: 0, changes: 3 });
    const rows = await batched.prisma.client.$queryRaw<Array<{ order_id: string }>>`
      SELECT order_id FROM allocations WHERE sku = 'SHRINK' ORDER BY order_id`;
    expect(rows.map((r) => r.order_id)).toEqual(['shrink-0']);
  });

  it('follows lines a shrink moves to another batch, and keeps what it knows through a load', async () => {
    const { bus, batch, change, deallocate } = process();
    must(await bus.handle(createBatchCommand('move-a', 'MOVE', 10)));
    must(await bus.handle(createBatchCommand('move-b', 'MOVE', 100, '2027-01-01')));
    // Allocated before this batcher remembered the product: its line is not known here.
    must(await bus.handle(allocateCommand('move-0', 'MOVE', 1)));
    for (const order of ['move-1', 'move-2', 'move-3']) {
      expect((await batch(allocateCommand(order, 'MOVE', 3))).outcome).toBe('allocated');
    }
    // move-a holds all 10; down to 4 it lets its two newest lines go, and they go to move-b.
    expect(await change(changeQuantityCommand('move-a', 4))).toEqual({
      deallocated: ['move-3', 'move-2'],
      loads: 0,
      writes: 1,
    });
    // A line that moved is known where it went; the line from before is loaded...
    expect(await deallocate('move-2')).toEqual({
      released: ['MOVE'],
      loads: 0,
      writes: 1,
      lookups: 1,
    });
    expect(await deallocate('move-0')).toEqual({
      released: ['MOVE'],
      loads: 1,
      writes: 1,
      lookups: 1,
    });
    // ...and that load, finding the product as remembered, forgot nothing: move-b's newest
    // line is still known, and too big for the unit move-a has free, so it waits.
    expect(await change(changeQuantityCommand('move-b', 0))).toEqual({
      deallocated: ['move-3'],
      loads: 0,
      writes: 1,
    });
    const rows = await batched.prisma.client.$queryRaw<Array<{ order_id: string }>>`
      SELECT order_id FROM allocations WHERE sku = 'MOVE'
      UNION ALL SELECT order_id || ' waits' FROM backorders WHERE sku = 'MOVE'
      ORDER BY order_id`;
    expect(rows.map((r) => r.order_id)).toEqual(['move-1', 'move-3 waits']);
  });

  it('deallocates an order in the same statement, from the lines it allocated itself', async () => {
    const { bus, batcher, batch, change, deallocate } = process();
    must(await bus.handle(createBatchCommand('free-a', 'FREE-A', 10)));
    must(await bus.handle(createBatchCommand('free-b', 'FREE-B', 10)));
    // Allocated before this batcher remembered the product: its line is not known here.
    must(await bus.handle(allocateCommand('free-0', 'FREE-A', 2)));
    for (const [order, sku, quantity] of [
      ['free-1', 'FREE-A', 3],
      ['free-2', 'FREE-A', 2],
      ['free-2', 'FREE-B', 1],
    ] as const) {
      expect((await batch(allocateCommand(order, sku, quantity))).outcome).toBe('allocated');
    }
    // Both products, in SKU order, from memory: one lookup of the order's SKUs, one write.
    expect(await deallocate('free-2')).toEqual({
      released: ['FREE-A', 'FREE-B'],
      loads: 0,
      writes: 1,
      lookups: 1,
    });
    // What is left of the lines it allocated is still the batch's newest: 5 held, 2 kept.
    expect(await change(changeQuantityCommand('free-a', 2))).toEqual({
      deallocated: ['free-1'],
      loads: 0,
      writes: 1,
    });
    // A line from before it remembered the product is loaded.
    expect(await deallocate('free-0')).toEqual({
      released: ['FREE-A'],
      loads: 1,
      writes: 1,
      lookups: 1,
    });
    // An order with no line anywhere is refused after its lookup, and nothing is written.
    expect(await deallocate('free-9')).toEqual({
      refused: 'OrderNotAllocated',
      loads: 0,
      writes: 0,
      lookups: 1,
    });
    expect(batcher.stats).toMatchObject({ retries: 0, fallbacks: 0, deallocations: 2 });
    const rows = await batched.prisma.client.$queryRaw<Array<{ order_id: string }>>`
      SELECT order_id FROM allocations WHERE sku LIKE 'FREE-%' ORDER BY order_id`;
    expect(rows.map((r) => r.order_id)).toEqual([]);
  });
});
