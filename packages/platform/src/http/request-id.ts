import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

// A WeakMap rather than a property: Express's requests have a prototype of their own, and adding
// properties to them cost several µs a request.
const requestIds = new WeakMap<IncomingMessage, string>();

/** Keeps a caller's X-Request-Id when it is sane, otherwise makes one (once per request). */
export const requestIdOf = (request: IncomingMessage): string => {
  const known = requestIds.get(request);
  if (known !== undefined) return known;
  const given = request.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  requestIds.set(request, id);
  return id;
};
