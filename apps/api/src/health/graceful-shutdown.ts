import type { INestApplication } from '@nestjs/common';
import type { EventEmitter } from 'node:events';
import type { Server as HttpServer } from 'node:http';
import { Server } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ShutdownState } from '@allocation/platform';

export interface ShutdownTimings {
  /** Keep serving while health answers 503, so a load balancer stops routing here. */
  readonly graceMs: number;
  /** Then keep accepting until nothing has arrived or been in flight for this long. */
  readonly quietMs: number;
  /** The longest to keep accepting after the grace period while traffic goes on. */
  readonly drainMs: number;
  /**
   * Once no longer accepting, the longest to wait for requests already received: a last resort
   * against a handler that never ends; every request the service answers ends well within it.
   */
  readonly inFlightLimitMs: number;
}

export const DEFAULT_QUIET_MS = 500;
export const DEFAULT_IN_FLIGHT_LIMIT_MS = 60_000;

/** Watches a server's connections and requests, so a shutdown knows when traffic has stopped. */
export class TrafficMonitor {
  private inFlight = 0;
  private lastActivity = 0;

  /** `server` is an `http.Server`; only its `connection` and `request` events are used. */
  constructor(
    server: EventEmitter,
    private readonly now: () => number = Date.now,
  ) {
    server.on('connection', () => this.touch());
    server.on('request', (_request: unknown, response: EventEmitter) => {
      this.touch();
      this.inFlight += 1;
      response.once('close', () => {
        this.inFlight -= 1;
        this.touch();
      });
    });
  }

  get requestsInFlight(): number {
    return this.inFlight;
  }

  isQuietFor(ms: number): boolean {
    return this.inFlight === 0 && this.now() - this.lastActivity >= ms;
  }

  private touch(): void {
    this.lastActivity = this.now();
  }
}

/**
 * Stops the application without dropping a request a client has sent:
 * 1. drain: health answers 503 and every response says `Connection: close`, for the grace period;
 * 2. keep accepting until traffic has stopped or `drainMs` has passed (a busy machine may not have
 *    accepted every connection waiting in the listen backlog yet, and closing the listener would
 *    reset them);
 * 3. stop accepting, but leave open connections alone: a connection just accepted may not have
 *    sent its request yet, and one with a request in flight must get its answer;
 * 4. wait until no request has been in flight or arrived for the quiet period (each answer
 *    closes its connection), then close the idle connections left;
 * 5. only then close the application, whose shutdown hooks close the pool and the database.
 */
export const shutDownGracefully = async (
  app: INestApplication,
  traffic: TrafficMonitor,
  timings: ShutdownTimings,
  log: (message: string) => void = () => undefined,
): Promise<void> => {
  app.get(ShutdownState).begin();
  await sleep(timings.graceMs);
  const drainEnd = Date.now() + timings.drainMs;
  while (!traffic.isQuietFor(timings.quietMs) && Date.now() < drainEnd) {
    await sleep(Math.min(25, timings.quietMs));
  }
  const server = app.getHttpServer() as HttpServer;
  // net.Server's close, not http.Server's: the latter also cuts idle connections at once,
  // including those accepted a moment ago whose request is still on its way.
  const closed = new Promise<void>((resolve) =>
    Server.prototype.close.call(server, () => resolve()),
  );
  const limit = Date.now() + timings.inFlightLimitMs;
  while (!traffic.isQuietFor(timings.quietMs) && Date.now() < limit) {
    await sleep(Math.min(25, timings.quietMs));
  }
  if (traffic.requestsInFlight > 0) {
    log(`${traffic.requestsInFlight} requests still running after ${timings.inFlightLimitMs} ms`);
  }
  server.closeAllConnections();
  await closed;
  await app.close();
};
