/**
 * Requests per client address in fixed windows, in memory: each instance counts its own, which
 * is what a limit against one client hammering one instance needs. A hook of our own rather than
 * @nestjs/throttler: that package is CommonJS and require()s Nest 12's ES modules, which Node
 * loads but jest's module registry cannot (as with content-disposition, see jest.config.cjs);
 * and as a hook it refuses before the body is read, on every route.
 */
export class RateLimiter {
  private window = -1;
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a request; when over the limit, how many seconds until the next window. */
  hit(
    client: string,
  ): { readonly allowed: true } | { readonly allowed: false; retryAfter: number } {
    const now = this.now();
    const window = Math.floor(now / this.windowMs);
    if (window !== this.window) {
      // A new window forgets the last one's clients, so the map never outgrows one window.
      this.window = window;
      this.counts.clear();
    }
    const count = (this.counts.get(client) ?? 0) + 1;
    this.counts.set(client, count);
    if (count <= this.max) return { allowed: true };
    const retryAfter = Math.max(1, Math.ceil(((window + 1) * this.windowMs - now) / 1000));
    return { allowed: false, retryAfter };
  }
}

/** Health is asked often by load balancers and orchestrators; a 429 would read as "down". */
export const isRateLimited = (url: string): boolean =>
  !url.startsWith('/api/health') && !url.startsWith('/metrics');
