import type { IncomingHttpHeaders } from 'node:http';

/** `CORS_ORIGINS`: the other origins allowed to call the API from a browser. */
export type CrossOriginPolicy = ReadonlyArray<string> | '*';

export const CROSS_ORIGIN_REFUSED =
  'Requests from another site may not change data here (CORS_ORIGINS does not list it)';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

const hostOf = (origin: string): string | undefined => {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
};

/**
 * Whether a state-changing request comes from a page on another site that `CORS_ORIGINS` does
 * not allow. A browser names the page's origin in `Origin` (and, newer ones, `Sec-Fetch-Site`);
 * a plain form post or `fetch(…, {mode: 'no-cors'})` reaches the route without a preflight, so
 * CORS alone does not stop it. Clients that are not browsers send neither header and pass.
 */
export const crossOriginRefusal = (
  policy: CrossOriginPolicy,
  method: string,
  headers: IncomingHttpHeaders,
): boolean => {
  if (SAFE.has(method) || policy === '*') return false;
  const origin = headers.origin;
  if (origin !== undefined) {
    if (policy.includes(origin)) return false;
    // Our own pages: the origin's host is the one this request was sent to.
    return hostOf(origin) === undefined || hostOf(origin) !== headers.host;
  }
  const site = headers['sec-fetch-site'];
  return site === 'cross-site' || site === 'same-site';
};
