import { Controller, Get, Headers, Inject, type MessageEvent, Query, Sse } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Observable } from 'rxjs';
import {
  ApiErrors,
  ApiFailureException,
  EVENT_FEED,
  type EventFeed,
  failureOf,
  GenericErrors,
  ShutdownState,
} from '@allocation/platform';
import { LiveFeed } from '../application/live-feed';
import {
  DEFAULT_FEED_LIMIT,
  EventFeedQuery,
  EventStreamQuery,
  isEventId,
  typesOf,
} from './events.query';
import { EventPageResponse, toEventResponse } from './responses';

/** Browsers reconnect after this long when a stream ends. */
const RECONNECT_MS = 2_000;
/** A comment line now and then keeps proxies from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

@ApiTags('events')
@Controller('api/events')
export class EventsController {
  constructor(
    @Inject(EVENT_FEED) private readonly feed: EventFeed,
    private readonly live: LiveFeed,
    private readonly shutdown: ShutdownState,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'The event feed: every committed event, in feed order',
    description:
      'Feed order is by writing transaction, then id. Only transactions older than the oldest one still running are shown, so a reader that keeps asking with `after=next` never misses an event, even one whose transaction committed late.',
  })
  @ApiOkResponse({ type: EventPageResponse })
  @ApiErrors(GenericErrors.validation, GenericErrors.databaseUnavailable)
  async listEvents(@Query() query: EventFeedQuery): Promise<EventPageResponse> {
    const afterId = Number(query.after ?? 0);
    const limit = Number(query.limit ?? DEFAULT_FEED_LIMIT);
    const types = typesOf(query);
    const after = await this.feed.positionOf(afterId);
    const items = await this.feed.read({ after, limit, ...(types === undefined ? {} : { types }) });
    return { items: items.map(toEventResponse), next: items.at(-1)?.id ?? afterId };
  }

  @Sse('stream')
  @ApiOperation({
    summary: 'The same events live, as Server-Sent Events',
    description:
      'Each event is one `data:` line of JSON (as in the feed) with `id:` set to the event id, so a reconnecting client resumes after the last one it saw (`Last-Event-ID`). Streams end when the service stops; clients reconnect.',
  })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event id' })
  @ApiOkResponse({ description: 'A stream of events', content: { 'text/event-stream': {} } })
  @ApiErrors(
    GenericErrors.validation,
    GenericErrors.databaseUnavailable,
    GenericErrors.shuttingDown,
  )
  async getEventStream(
    @Query() query: EventStreamQuery,
    @Headers('last-event-id') lastEventId: string | undefined,
  ): Promise<Observable<MessageEvent>> {
    // Refusals come before the stream starts, so they are ordinary JSON answers.
    if (lastEventId !== undefined && !isEventId(lastEventId)) {
      throw new ApiFailureException(
        failureOf(GenericErrors.validation, 'Last-Event-ID must be an event id: a whole number'),
      );
    }
    if (this.shutdown.isStopping) {
      throw new ApiFailureException(
        failureOf(GenericErrors.shuttingDown, 'The service is shutting down; connect again'),
      );
    }
    const resumeFrom = lastEventId ?? query.after;
    const after =
      resumeFrom === undefined ? undefined : await this.feed.positionOf(Number(resumeFrom));
    const types = typesOf(query);
    return new Observable<MessageEvent>((subscriber) => {
      // The reconnection delay, with the id to resume from should the stream end before an event
      // ('' when it started at the next event: a reconnection starts there again).
      subscriber.next({ retry: RECONNECT_MS, id: resumeFrom ?? '' });
      const heartbeat = setInterval(() => subscriber.next({ comment: 'keep-alive' }), HEARTBEAT_MS);
      const end = () => subscriber.complete();
      const unsubscribe = this.live.subscribe({
        ...(after === undefined ? {} : { after }),
        ...(types === undefined ? {} : { types }),
        deliver: (items) => {
          for (const item of items) {
            subscriber.next({ id: String(item.id), data: toEventResponse(item) });
          }
        },
        end,
      });
      const stopListening = this.shutdown.onStop(end);
      // Runs when the stream completes and when the client goes away.
      return () => {
        clearInterval(heartbeat);
        unsubscribe();
        stopListening();
      };
    });
  }
}
