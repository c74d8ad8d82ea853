import { PrismaService } from '../database/prisma.service';

/** A `PrismaService` that keeps the text of each statement sent while `recorded` runs. */
export interface RecordingPrisma {
  readonly prisma: PrismaService;
  /** Runs `work` and returns what it gave with the statements sent meanwhile, in order sent. */
  recorded<T>(work: () => Promise<T>): Promise<{ result: T; statements: string[] }>;
}

/** For tests that count round trips: what a command costs the database is part of its contract. */
export const recordingPrisma = (url: string, poolSize = 2): RecordingPrisma => {
  let sent: string[] | null = null;
  const prisma = new PrismaService({ url, poolSize, onQuery: (sql) => sent?.push(sql) });
  return {
    prisma,
    recorded: async (work) => {
      const statements: string[] = [];
      sent = statements;
      try {
        return { result: await work(), statements };
      } finally {
        sent = null;
      }
    },
  };
};
