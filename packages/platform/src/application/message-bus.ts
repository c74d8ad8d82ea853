import * as E from 'fp-ts/Either';
import type { RecordsEvents, RetriesExhausted, UnitOfWork } from './unit-of-work';

/** Commands and events are tagged unions. */
export interface Message {
  readonly _tag: string;
}

/** Handles one message inside a unit of work; an expected failure is a Left. */
export type Handler<M, Context, Failure, Result> = (
  message: M,
  context: Context,
) => Promise<E.Either<Failure, Result>>;

type Tagged<M extends Message, Tag> = Extract<M, { readonly _tag: Tag }>;

/** Each command's tag to its one handler, which answers with that command's declared result. */
export type CommandHandlers<
  C extends Message,
  Results extends Record<C['_tag'], unknown>,
  Context,
  Failure,
> = {
  readonly [Tag in C['_tag']]: Handler<Tagged<C, Tag>, Context, Failure, Results[Tag]>;
};

/** Each event's tag to the handlers that react to it, in order; most events have none. */
export type EventHandlers<Ev extends Message, Context, Failure> = {
  readonly [Tag in Ev['_tag']]?: ReadonlyArray<Handler<Tagged<Ev, Tag>, Context, Failure, void>>;
};

/** A preview's result, carried out of its unit of work as the Left that rolls it back. */
class Previewed<H> {
  constructor(readonly handled: H) {}
}

export interface Handled<A, Ev> {
  readonly value: A;
  /** Every event of the unit of work, including those caused by handling earlier ones. */
  readonly events: ReadonlyArray<Ev>;
}

/**
 * Runs a command in one unit of work, then every event it caused (and the events those cause)
 * in the same transaction, so that read models and follow-up changes commit with it. A Left from
 * any handler rolls the whole unit back and reaches the caller unchanged; the events that the
 * failure itself reports (`keptOnFailure`: out of stock is a refusal the warehouse still wants
 * to hear about) are then committed on their own.
 */
export class MessageBus<
  C extends Message,
  Results extends Record<C['_tag'], unknown>,
  Ev extends Message,
  Context extends RecordsEvents<Ev>,
  Failure,
> {
  constructor(
    private readonly unitOfWork: UnitOfWork<Context>,
    private readonly commands: CommandHandlers<C, Results, Context, Failure>,
    private readonly events: EventHandlers<Ev, Context, Failure>,
    private readonly keptOnFailure: (
      failure: Failure | RetriesExhausted,
    ) => ReadonlyArray<Ev> = () => [],
  ) {}

  async handle<M extends C>(
    command: M,
  ): Promise<E.Either<Failure | RetriesExhausted, Handled<Results[M['_tag']], Ev>>> {
    const handled = await this.unitOfWork.run(async (context) => {
      const result = await this.commandHandlerOf(command)(command, context);
      if (E.isLeft(result)) return result;
      const drained = await this.drainEvents(context);
      if (E.isLeft(drained)) return drained;
      return E.right({ value: result.right, events: [...context.events] });
    });
    if (E.isLeft(handled)) await this.recordAlone(this.keptOnFailure(handled.left));
    return handled;
  }

  /**
   * What the command would do, decided and written exactly as `handle` does, then rolled back:
   * nothing is kept and no event leaves. For the questions a person is asked before acting.
   */
  async preview<M extends C>(
    command: M,
  ): Promise<E.Either<Failure | RetriesExhausted, Handled<Results[M['_tag']], Ev>>> {
    const outcome = await this.unitOfWork.run<
      Failure | Previewed<Handled<Results[M['_tag']], Ev>>,
      never
    >(async (context) => {
      const result = await this.commandHandlerOf(command)(command, context);
      if (E.isLeft(result)) return result;
      const drained = await this.drainEvents(context);
      if (E.isLeft(drained)) return drained;
      // A Left rolls the unit of work back; the preview travels out inside it.
      return E.left(new Previewed({ value: result.right, events: [...context.events] }));
    });
    if (E.isRight(outcome)) return outcome;
    return outcome.left instanceof Previewed ? E.right(outcome.left.handled) : E.left(outcome.left);
  }

  /** A unit of work that changes nothing but commits these events. */
  private async recordAlone(events: ReadonlyArray<Ev>): Promise<void> {
    if (events.length === 0) return;
    await this.unitOfWork.run(async (context) => {
      context.record(events);
      return E.right(undefined);
    });
  }

  private async drainEvents(context: Context): Promise<E.Either<Failure, void>> {
    // Handlers may record more events while we walk the list; the index picks them up.
    for (let next = 0; next < context.events.length; next++) {
      const event = context.events[next];
      if (event === undefined) continue;
      for (const handler of this.eventHandlersOf(event)) {
        const handled = await handler(event, context);
        if (E.isLeft(handled)) return handled;
      }
    }
    return E.right(undefined);
  }

  // The tables' types pair every tag with the handler of that very message; TypeScript cannot
  // follow a member of a union to its own entry, so these two lookups are asserted.
  private commandHandlerOf<M extends C>(
    command: M,
  ): Handler<M, Context, Failure, Results[M['_tag']]> {
    const handler = this.commands[command._tag as M['_tag']];
    return handler as unknown as Handler<M, Context, Failure, Results[M['_tag']]>;
  }

  private eventHandlersOf(event: Ev): ReadonlyArray<Handler<Ev, Context, Failure, void>> {
    const handlers = this.events[event._tag as Ev['_tag']];
    return (handlers ?? []) as ReadonlyArray<Handler<Ev, Context, Failure, void>>;
  }
}

/** What callers use of a bus: run a command, or preview it. */
export type CommandBus<
  C extends Message,
  Results extends Record<C['_tag'], unknown>,
  Ev extends Message,
  Context extends RecordsEvents<Ev>,
  Failure,
> = Pick<MessageBus<C, Results, Ev, Context, Failure>, 'handle' | 'preview'>;

/**
 * One bus over two: the commands tagged `plain` run first on `statements` (a bus on a
 * `StatementUnitOfWork` that gives up at its first lost claim), and, if they lost it because
 * another process wrote the same data meanwhile, again on `transactional`, whose row locks queue
 * writers instead (under contention, optimistic retries would mostly lose again). Every other
 * command runs on `transactional`. A lost claim wrote nothing, so running again is safe.
 */
export const preferringStatements = <
  C extends Message,
  Results extends Record<C['_tag'], unknown>,
  Ev extends Message,
  Context extends RecordsEvents<Ev>,
  Failure,
>(
  transactional: MessageBus<C, Results, Ev, Context, Failure>,
  statements: MessageBus<C, Results, Ev, Context, Failure>,
  plain: ReadonlySet<C['_tag']>,
): CommandBus<C, Results, Ev, Context, Failure> => {
  const lost = (outcome: E.Either<Failure | RetriesExhausted, unknown>) =>
    E.isLeft(outcome) &&
    typeof outcome.left === 'object' &&
    outcome.left !== null &&
    (outcome.left as { _tag?: unknown })._tag === 'RetriesExhausted';
  return {
    handle: async (command) => {
      if (!plain.has(command._tag)) return transactional.handle(command);
      const outcome = await statements.handle(command);
      return lost(outcome) ? transactional.handle(command) : outcome;
    },
    preview: async (command) => {
      if (!plain.has(command._tag)) return transactional.preview(command);
      const outcome = await statements.preview(command);
      return lost(outcome) ? transactional.preview(command) : outcome;
    },
  };
};
