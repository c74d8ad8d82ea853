import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { freePort } from './free-port';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';

/** The machine's Redis, which tests that need no private server share. */
export const MACHINE_REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** Whether a Redis answers PING on this port: a bare socket, so no client lingers afterwards. */
const answers = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });

/**
 * A `redis-server` of the test's own on a free port, for tests that stop and start Redis without
 * disturbing anyone else's. Nothing is kept on disk.
 */
export class PrivateRedis {
  private child: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    this.child = child;
    for (let waited = 0; waited < 10_000; waited += 25) {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
      if (await answers(this.port)) return;
      await sleep(25);
    }
    throw new Error(`redis-server did not answer on port ${this.port}`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

/** Collects what arrives on some channels of a Redis server, for assertions. */
export class RedisListener {
  readonly messages: Array<{ channel: string; payload: Record<string, unknown> }> = [];
  private readonly redis: Redis;

  private constructor(url: string) {
    this.redis = new Redis(url, { retryStrategy: () => 50 });
    this.redis.on('error', () => undefined);
    this.redis.on('message', (channel: string, message: string) => {
      this.messages.push({ channel, payload: JSON.parse(message) as Record<string, unknown> });
    });
  }

  static async listen(url: string, channels: ReadonlyArray<string>): Promise<RedisListener> {
    const listener = new RedisListener(url);
    await listener.redis.subscribe(...channels);
    return listener;
  }

  /** After its server came back: waits until it is connected and subscribed again. */
  async waitUntilSubscribed(ms = 5_000): Promise<void> {
    for (let waited = 0; waited < ms; waited += 10) {
      if (this.redis.status === 'ready') {
        // The client resubscribes before it says ready; one round trip confirms it.
        const probe = this.redis.duplicate();
        probe.on('error', () => undefined);
        try {
          const [, count] = (await probe.pubsub('NUMSUB', 'line_allocated')) as [string, number];
          if (count > 0) return;
        } finally {
          probe.disconnect();
        }
      }
      await sleep(10);
    }
    throw new Error('The listener did not subscribe again');
  }

  /** Waits until `count` messages match, or fails after `ms`. */
  async waitFor(
    matches: (message: { channel: string; payload: Record<string, unknown> }) => boolean,
    count = 1,
    ms = 5_000,
  ): Promise<Array<{ channel: string; payload: Record<string, unknown> }>> {
    for (let waited = 0; ; waited += 10) {
      const found = this.messages.filter(matches);
      if (found.length >= count) return found;
      if (waited >= ms) {
        throw new Error(`Only ${found.length} of ${count} messages arrived within ${ms} ms`);
      }
      await sleep(10);
    }
  }

  close(): void {
    this.redis.disconnect();
  }
}
