import { createHash, timingSafeEqual } from 'node:crypto';
import type { AccessConfig } from '../config/app-config';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Reads of data (not the UI's files, the docs or health), when reads need a token too. */
const isDataRead = (path: string): boolean =>
  (path.startsWith('/api/') && !path.startsWith('/api/health')) ||
  path.startsWith('/allocations/') ||
  path === '/metrics';

/** Only the event stream takes its token in the query: a browser's EventSource sends no headers. */
const STREAM = '/api/events/stream';

const digest = (token: string): Buffer => createHash('sha256').update(token).digest();

export type AccessDecision = 'open' | 'allowed' | 'missing' | 'invalid';

/**
 * Who may do what: with tokens configured, every write needs `Authorization: Bearer <token>`, and
 * reads of data too when `readsRequireToken`. Tokens are compared as SHA-256 digests with
 * `timingSafeEqual`, against every configured token, so the time taken says nothing about them.
 */
export class AccessControl {
  private readonly digests: ReadonlyArray<Buffer>;

  constructor(private readonly config: AccessConfig) {
    this.digests = config.tokens.map(digest);
  }

  get isOpen(): boolean {
    return this.digests.length === 0;
  }

  decide(method: string, url: string, authorization: string | undefined): AccessDecision {
    if (this.isOpen) return 'open';
    const [path = '', query = ''] = url.split('?', 2);
    const needed = WRITES.has(method) || (this.config.readsRequireToken && isDataRead(path));
    if (!needed) return 'open';
    // A header that is there but not a bearer token is a wrong token, not a missing one.
    if (authorization !== undefined && bearerToken(authorization) === undefined) return 'invalid';
    const token = bearerToken(authorization) ?? (path === STREAM ? queryToken(query) : undefined);
    if (token === undefined) return 'missing';
    const given = digest(token);
    let matched = false;
    for (const known of this.digests) matched = timingSafeEqual(known, given) || matched;
    return matched ? 'allowed' : 'invalid';
  }
}

const bearerToken = (authorization: string | undefined): string | undefined => {
  const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
  return match?.[1];
};

const queryToken = (query: string): string | undefined =>
  new URLSearchParams(query).get('access_token') ?? undefined;

/** The URL as logs may show it: an `access_token` in the query is hidden. */
export const withoutToken = (url: string): string =>
  url.replace(/([?&]access_token=)[^&]*/g, '$1[redacted]');
