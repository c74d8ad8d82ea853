import type { INestApplication } from '@nestjs/common';
import type { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ShutdownState } from './shutdown-state';

export interface ShutdownTimings {
  /** Keep serving while health answers 503, so a load balancer stops routing here. */
  readonly graceMs: number;
  /** Then keep accepting until nothing has arrived or been in flight for this long. */
  readonly quietMs: number;
  /** The longest the whole drain after the grace period may take before connections are cut. */
  readonly deadlineMs: number;
}

export const DEFAULT_QUIET_MS = 500;
export const DEFAULT_DEADLINE_MS = 10_000;

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

  isQuietFor(ms: number): boolean {
    return this.inFlight === 0 && this.now() - this.lastActivity >= ms;
  }

  private touch(): void {
    this.lastActivity = this.now();
  }
}

/**
 * Stops the application without dropping requests clients have already sent: drain (health 503,
 * every response says `Connection: close`), keep accepting until traffic has stopped (a busy
 * machine may not have accepted every connection waiting in the listen backlog yet, and closing
 * the listener would reset them), then stop listening, let the requests in flight finish, and
 * only then close the application, whose shutdown hooks close the pool and the database.
 */
export const shutDownGracefully = async (
  app: INestApplication,
  traffic: TrafficMonitor,
  timings: ShutdownTimings,
): Promise<void> => {
  app.get(ShutdownState).begin();
  await sleep(timings.graceMs);
  const deadline = Date.now() + timings.deadlineMs;
  while (!traffic.isQuietFor(timings.quietMs) && Date.now() < deadline) {
    await sleep(Math.min(25, timings.quietMs));
  }
  const server = app.getHttpServer() as Server;
  // Stops listening and closes idle keep-alive connections; busy ones close after answering.
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  await Promise.race([closed, sleep(Math.max(0, deadline - Date.now()))]);
  server.closeAllConnections();
  await closed;
  await app.close();
};
