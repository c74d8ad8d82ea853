import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { IsOmittable } from '@allocation/platform';
import { IsEventTypeList } from './event-types';

export const DEFAULT_FEED_LIMIT = 100;
export const MAX_FEED_LIMIT = 1_000;

const EVENT_ID = /^\d{1,15}$/;
const LIMIT = /^(?:[1-9]\d{0,2}|1000)$/;

// Kept as text and matched whole, so "abc", "1e3" or "-1" get a message that says what is wanted.
const IsEventId = (name: string) =>
  Matches(EVENT_ID, { message: `${name} must be an event id: a whole number from 0` });

/** `?type=`, shared by the feed and the stream. */
class EventTypeQuery {
  @ApiPropertyOptional({
    description: 'Only these event types, comma-separated (the `type` of the feed items)',
    example: 'Allocated,OutOfStock',
  })
  @IsOmittable()
  @IsString()
  @IsEventTypeList()
  type?: string;
}

/** `?after=&limit=&type=` of the event feed. */
export class EventFeedQuery extends EventTypeQuery {
  @ApiPropertyOptional({
    description:
      'Events after this id: the `next` of the previous page (0 or absent: from the start)',
    example: '0',
  })
  @IsOmittable()
  @IsString()
  @IsEventId('after')
  after?: string;

  @ApiPropertyOptional({
    description: 'At most this many events (1 to 1000)',
    type: 'integer',
    default: DEFAULT_FEED_LIMIT,
    minimum: 1,
    maximum: MAX_FEED_LIMIT,
  })
  @IsOmittable()
  @IsString()
  @Matches(LIMIT, { message: `limit must be a whole number from 1 to ${MAX_FEED_LIMIT}` })
  limit?: string;
}

/** `?after=&type=` of the live stream. */
export class EventStreamQuery extends EventTypeQuery {
  @ApiPropertyOptional({
    description:
      'Resume after this event id; absent, the stream starts with the next event. The `Last-Event-ID` header, which browsers send when they reconnect, does the same and wins.',
    example: '0',
  })
  @IsOmittable()
  @IsString()
  @IsEventId('after')
  after?: string;

  @ApiPropertyOptional({
    name: 'access_token',
    description:
      "A bearer token, for when tokens are needed to read: a browser's EventSource cannot send an Authorization header. Never logged.",
  })
  @IsOmittable()
  @IsString()
  // The name browsers and OAuth use for a token in the query; the access check reads it.
  access_token?: string;
}

export const typesOf = (query: EventTypeQuery): ReadonlyArray<string> | undefined =>
  query.type === undefined ? undefined : query.type.split(',');

/** A `Last-Event-ID` header, if it is an event id. */
export const isEventId = (value: string): boolean => EVENT_ID.test(value);
