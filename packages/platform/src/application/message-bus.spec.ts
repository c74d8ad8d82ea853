import * as E from 'fp-ts/Either';
import { MessageBus, type CommandHandlers, type EventHandlers } from './message-bus';
import type { RetriesExhausted, UnitOfWork } from './unit-of-work';

// The bus on a toy context: a ledger of notes and the events recorded in one unit of work.
type Command = { _tag: 'Write'; text: string } | { _tag: 'Count' };
type Event = { _tag: 'Written'; text: string } | { _tag: 'Echoed'; text: string };
interface Failure {
  readonly _tag: 'Refused';
  readonly message: string;
}
interface Results {
  Write: string;
  Count: number;
}

class Context {
  readonly events: Event[] = [];
  constructor(readonly notes: string[]) {}

  record(events: ReadonlyArray<Event>): void {
    this.events.push(...events);
  }
}

class ToyUnitOfWork implements UnitOfWork<Context> {
  committed: string[] = [];
  /** The events of committed units, as an outbox would hold them. */
  outbox: Event[] = [];

  async run<L, A>(
    work: (context: Context) => Promise<E.Either<L, A>>,
  ): Promise<E.Either<L | RetriesExhausted, A>> {
    const context = new Context([...this.committed]);
    const result = await work(context);
    if (E.isRight(result)) {
      this.committed = context.notes;
      this.outbox.push(...context.events);
    }
    return result;
  }
}

const commands: CommandHandlers<Command, Results, Context, Failure> = {
  Write: async (command, context) => {
    if (command.text === '') return E.left({ _tag: 'Refused', message: 'Nothing to write' });
    context.notes.push(command.text);
    context.events.push({ _tag: 'Written', text: command.text });
    return E.right(`wrote ${command.text}`);
  },
  Count: async (_command, context) => E.right(context.notes.length),
};

const busWith = (
  events: EventHandlers<Event, Context, Failure>,
  keptOnFailure?: (failure: Failure | RetriesExhausted) => ReadonlyArray<Event>,
) => {
  const unitOfWork = new ToyUnitOfWork();
  return { unitOfWork, bus: new MessageBus(unitOfWork, commands, events, keptOnFailure) };
};

describe('the message bus', () => {
  it("routes a command to its one handler and answers with that handler's result", async () => {
    const { bus, unitOfWork } = busWith({});
    const written = await bus.handle({ _tag: 'Write', text: 'hello' });
    expect(written).toEqual(E.right({ value: 'wrote hello', events: [expect.anything()] }));
    expect(await bus.handle({ _tag: 'Count' })).toEqual(E.right({ value: 1, events: [] }));
    expect(unitOfWork.committed).toEqual(['hello']);
  });

  it('runs every handler of an event in order, and the events those handlers record', async () => {
    const seen: string[] = [];
    const { bus } = busWith({
      Written: [
        async (event, context) => {
          seen.push(`first ${event.text}`);
          context.events.push({ _tag: 'Echoed', text: event.text });
          return E.right(undefined);
        },
        async (event) => {
          seen.push(`second ${event.text}`);
          return E.right(undefined);
        },
      ],
      Echoed: [
        async (event) => {
          seen.push(`echo ${event.text}`);
          return E.right(undefined);
        },
      ],
    });
    const result = await bus.handle({ _tag: 'Write', text: 'x' });
    expect(seen).toEqual(['first x', 'second x', 'echo x']);
    expect(E.map((handled: { events: ReadonlyArray<Event> }) => handled.events)(result)).toEqual(
      E.right([
        { _tag: 'Written', text: 'x' },
        { _tag: 'Echoed', text: 'x' },
      ]),
    );
  });

  it("returns a command's failure unchanged and commits nothing", async () => {
    const { bus, unitOfWork } = busWith({});
    expect(await bus.handle({ _tag: 'Write', text: '' })).toEqual(
      E.left({ _tag: 'Refused', message: 'Nothing to write' }),
    );
    expect(unitOfWork.committed).toEqual([]);
  });

  it('rolls the whole unit back when an event handler fails, and returns its failure', async () => {
    const { bus, unitOfWork } = busWith({
      Written: [async () => E.left({ _tag: 'Refused', message: 'Not today' })],
    });
    expect(await bus.handle({ _tag: 'Write', text: 'hello' })).toEqual(
      E.left({ _tag: 'Refused', message: 'Not today' }),
    );
    expect(unitOfWork.committed).toEqual([]);
  });

  it('commits the events a failure reports on their own, and nothing else of the unit', async () => {
    const { bus, unitOfWork } = busWith(
      { Written: [async () => E.left({ _tag: 'Refused', message: 'Not today' })] },
      (failure) => [{ _tag: 'Echoed', text: failure.message }],
    );
    expect(await bus.handle({ _tag: 'Write', text: 'hello' })).toEqual(
      E.left({ _tag: 'Refused', message: 'Not today' }),
    );
    expect(unitOfWork.committed).toEqual([]);
    expect(unitOfWork.outbox).toEqual([{ _tag: 'Echoed', text: 'Not today' }]);
  });

  it('commits the events of a successful unit with it', async () => {
    const { bus, unitOfWork } = busWith({}, () => [{ _tag: 'Echoed', text: 'never' }]);
    await bus.handle({ _tag: 'Write', text: 'hello' });
    expect(unitOfWork.outbox).toEqual([{ _tag: 'Written', text: 'hello' }]);
  });
});

describe('previewing a command', () => {
  it('answers as handling it would, events and all, and commits nothing', async () => {
    const { unitOfWork, bus } = busWith({
      Written: [
        async (event, context) => E.right(context.record([{ _tag: 'Echoed', text: event.text }])),
      ],
    });
    const preview = await bus.preview({ _tag: 'Write', text: 'draft' });
    expect(preview).toEqual(
      E.right({
        value: 'wrote draft',
        events: [
          { _tag: 'Written', text: 'draft' },
          { _tag: 'Echoed', text: 'draft' },
        ],
      }),
    );
    expect(unitOfWork.committed).toEqual([]);
    expect(unitOfWork.outbox).toEqual([]);
  });

  it('answers a refusal as handling would, and records nothing even for kept events', async () => {
    const { unitOfWork, bus } = busWith({}, () => [{ _tag: 'Echoed', text: 'kept' }]);
    const preview = await bus.preview({ _tag: 'Write', text: '' });
    expect(preview).toEqual(E.left({ _tag: 'Refused', message: 'Nothing to write' }));
    expect(unitOfWork.outbox).toEqual([]);
  });
});
