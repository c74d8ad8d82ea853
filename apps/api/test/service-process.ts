import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { locate } from '@allocation/platform';

// These run the built service (`nx test api` builds it first) as a user or an orchestrator would.
export const MAIN = locate(join('dist', 'apps', 'api', 'main.js'));
/** The workspace's root, where `npm start` runs. */
export const ROOT = dirname(locate('nx.json'));

export interface Started {
  readonly child: ChildProcess;
  readonly base: string;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

export const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

export const start = async (
  env: Record<string, string>,
  command: { file: string; args: string[] } = { file: process.execPath, args: [MAIN] },
): Promise<Started> => {
  const port = await freePort();
  const child = spawn(command.file, command.args, {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, base: `http://127.0.0.1:${port}`, output: () => output, exited };
};

// Generous: the embedded database takes seconds to start on a busy two-core machine.
export const healthy = async (service: Started): Promise<void> => {
  for (let i = 0; i < 450; i++) {
    try {
      // A connection can be lost without an answer (one handed to a process as it dies).
      const response = await fetch(`${service.base}/api/health`, {
        signal: AbortSignal.timeout(5_000),
      });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the service never became healthy:\n${service.output()}`);
};

export const post = (base: string, path: string, body: object) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
