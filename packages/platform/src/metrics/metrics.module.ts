import { Global, Module } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import { MetricsController } from './metrics.controller';
import { Metrics, type OutboxLag } from './metrics';

/** Undelivered events per durable reader, in feed order (transaction, then id) like the readers. */
const outboxLag = async (prisma: PrismaService): Promise<OutboxLag[]> => {
  // Raw: the readers' xid8 cursors against the feed order.
  const rows = await prisma.client.$queryRaw<
    Array<{ consumer: string; events: number; oldest_seconds: number | null }>
  >`
    SELECT c.name AS consumer, count(o.id)::int AS events,
           extract(epoch FROM now() - min(o.occurred_at))::float8 AS oldest_seconds
      FROM outbox_consumers c
      LEFT JOIN outbox o ON (o.xid, o.id) > (c.last_xid, c.last_id)
     GROUP BY c.name`;
  return rows.map((r) => ({
    consumer: r.consumer,
    events: r.events,
    oldestSeconds: Math.max(0, r.oldest_seconds ?? 0),
  }));
};

@Global()
@Module({
  controllers: [MetricsController],
  providers: [
    {
      provide: Metrics,
      useFactory: (prisma: PrismaService) =>
        new Metrics({ pool: () => prisma.poolStats(), outboxLag: () => outboxLag(prisma) }),
      inject: [PrismaService],
    },
  ],
  exports: [Metrics],
})
export class MetricsModule {}
