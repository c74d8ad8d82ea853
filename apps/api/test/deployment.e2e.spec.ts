import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/Either';
import { loadConfig, locate, ShutdownState } from '@allocation/platform';
import { DEFAULT_QUIET_MS } from '../src/health/graceful-shutdown';
import { listenLocally, startTestApp, type TestApp } from './support';

const root = locate('nx.json').replace(/nx\.json$/, '');
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const compose = readFileSync(join(root, 'docker-compose.yml'), 'utf8');

/** The script of the image's HEALTHCHECK, run as the container would, with a given PORT. */
const healthcheck = (port: number): Promise<number | null> => {
  const script = /HEALTHCHECK .* CMD node -e "(.+)"$/m.exec(dockerfile)?.[1];
  if (script === undefined) throw new Error('no HEALTHCHECK running node -e in the Dockerfile');
  const child = spawn(process.execPath, ['-e', script], {
    env: { ...process.env, PORT: String(port) },
    stdio: 'ignore',
    timeout: 10_000,
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
};

let t: TestApp;
let port: number;

beforeAll(async () => {
  t = await startTestApp();
  ({ port } = await listenLocally(t));
});

afterAll(() => t.close());

describe('the container image and compose file', () => {
  it('check readiness on the port the service was given', async () => {
    expect(port).not.toBe(3000);
    expect(dockerfile).toMatch(/HEALTHCHECK .*\/api\/health\/ready/);
    expect(compose).toContain("fetch('http://127.0.0.1:3000/api/health/ready')");
    expect(await healthcheck(port)).toBe(0);
    expect(await healthcheck(1)).toBe(1);
  });

  it('build on Node 24, the current LTS, in both stages', () => {
    expect([...dockerfile.matchAll(/^FROM node:(\d+)-/gm)].map((m) => m[1])).toEqual(['24', '24']);
  });

  it('give the service longer to stop than its drain can take', () => {
    const grace = /stop_grace_period:\s*(\d+)s/.exec(compose)?.[1];
    const defaults = loadConfig({});
    if (E.isLeft(defaults)) throw new Error(defaults.left.join('; '));
    const { shutdownGraceMs, shutdownDrainMs } = defaults.right;
    // Grace, then accepting while traffic goes on, then the requests in flight and a quiet gap.
    expect(Number(grace) * 1000).toBeGreaterThan(
      shutdownGraceMs + shutdownDrainMs + DEFAULT_QUIET_MS + 5_000,
    );
  });

  // Last: the service stays draining.
  it('fail the health check while the service drains, so traffic goes elsewhere', async () => {
    t.app.get(ShutdownState).begin();
    expect(await healthcheck(port)).toBe(1);
  });
});
