import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../generated/prisma/client';

export interface DatabaseOptions {
  readonly url: string;
  readonly poolSize: number;
  /** Sees the text of each SQL statement sent: for diagnostics and tests that count them. */
  readonly onQuery?: (sql: string) => void;
}

/** Owns the Prisma client and its connection pool (through the `pg` driver adapter). */
export class PrismaService {
  readonly client: PrismaClient;

  constructor(options: DatabaseOptions) {
    const adapter = new PrismaPg({ connectionString: options.url, max: options.poolSize });
    const { onQuery } = options;
    if (onQuery === undefined) {
      this.client = new PrismaClient({ adapter });
    } else {
      const client = new PrismaClient({ adapter, log: [{ level: 'query', emit: 'event' }] });
      client.$on('query', (event) => onQuery(event.query));
      this.client = client;
    }
  }

  async isHealthy(): Promise<boolean> {
    try {
      await this.client.$queryRaw`SELECT 1`;
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.client.$disconnect();
  }
}
