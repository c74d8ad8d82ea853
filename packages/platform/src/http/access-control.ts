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

  /**
   * `route` is the pattern of the route that matched (`/api/batches/:reference`), or anything
   * not starting with `/` when none did; `query` is the raw query string.
   */
  decide(
    method: string,
    route: string,
    query: string,
    authorization: string | undefined,
  ): AccessDecision {
    if (this.isOpen) return 'open';
    const needed = WRITES.has(method) || (this.config.readsRequireToken && isDataRead(route));
    if (!needed) return 'open';
    // A header that is there but not a bearer token is a wrong token, not a missing one.
    if (authorization !== undefined && bearerToken(authorization) === undefined) return 'invalid';
    const token = bearerToken(authorization) ?? (route === STREAM ? queryToken(query) : undefined);
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

// URLSearchParams decodes names as the router does: `access%5Ftoken` is `access_token`.
const queryToken = (query: string): string | undefined =>
  new URLSearchParams(query).get(TOKEN_PARAMETER) ?? undefined;

const TOKEN_PARAMETER = 'access_token';

const decodedName = (name: string): string => {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
};

/**
 * The URL as logs may show it: a token in the query is hidden, however its name is spelled
 * (`access_token`, `access%5Ftoken`, `%61ccess_token`), since the service reads it decoded.
 */
export const withoutToken = (url: string): string => {
  const at = url.indexOf('?');
  if (at === -1) return url;
  const pairs = url
    .slice(at + 1)
    .split('&')
    .map((pair) => {
      const name = pair.split('=', 1)[0] ?? '';
      return decodedName(name) === TOKEN_PARAMETER ? `${name}=[redacted]` : pair;
    });
  return `${url.slice(0, at + 1)}${pairs.join('&')}`;
};
