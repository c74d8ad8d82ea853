import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../generated/prisma/client';

export interface DatabaseOptions {
  readonly url: string;
  readonly poolSize: number;
}

/** Owns the Prisma client and its connection pool (through the `pg` driver adapter). */
export class PrismaService {
  readonly client: PrismaClient;

  constructor(options: DatabaseOptions) {
    this.client = new PrismaClient({
      adapter: new PrismaPg({ connectionString: options.url, max: options.poolSize }),
    });
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
