import type { IncomingMessage } from 'node:http';

/**
 * The Node request under a platform's request: Express's request is one, Fastify's wraps one as
 * `raw`. Guards and filters see the platform's; middleware and the metrics see Node's.
 */
export const nodeRequestOf = (request: unknown): IncomingMessage => {
  const raw = (request as { raw?: IncomingMessage }).raw;
  return raw ?? (request as IncomingMessage);
};

// Not a property on the request: adding one to Express's requests costs several µs a request.
const routes = new WeakMap<IncomingMessage, string>();

/** Remembers the pattern of the route that matched (`/api/batches/:reference`). */
export const recordRoute = (request: IncomingMessage, route: string): void => {
  routes.set(request, route);
};

/** The pattern of the route that matched, once a guard has run; undefined when none did. */
export const routeOf = (request: IncomingMessage): string | undefined => routes.get(request);
