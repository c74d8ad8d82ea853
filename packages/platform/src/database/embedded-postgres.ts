import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { mkdirSync } from 'node:fs';

export interface EmbeddedPostgres {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * A real PostgreSQL (PGlite, compiled to WebAssembly) keeping its data in `dataDir`, served on a
 * free loopback port so `pg` and Prisma talk to it like to any server. For machines without one.
 */
export const startEmbeddedPostgres = async (dataDir: string): Promise<EmbeddedPostgres> => {
  mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  // Two sockets: the migrator's short-lived client may still be closing when the pool connects.
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 2 });
  await server.start();
  return {
    url: `postgresql://postgres@${server.getServerConn()}/postgres?sslmode=disable`,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
};
