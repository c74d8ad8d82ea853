import { Global, Module } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import { OutboxSignal } from '../application/outbox-signal';
import { EVENT_FEED } from './event-feed';
import { OUTBOX_CONSUMERS } from './outbox-consumers';
import { PrismaEventFeed } from './prisma-event-feed';
import { PrismaOutboxConsumers } from './prisma-outbox-consumers';

/**
 * The transactional outbox as every context reads it: the signal units of work give when they
 * commit events, the feed in commit order, and the durable readers' cursors.
 */
@Global()
@Module({
  providers: [
    OutboxSignal,
    {
      provide: EVENT_FEED,
      useFactory: (prisma: PrismaService) => new PrismaEventFeed(prisma.client),
      inject: [PrismaService],
    },
    {
      provide: OUTBOX_CONSUMERS,
      useFactory: (prisma: PrismaService) =>
        new PrismaOutboxConsumers(prisma.client, { pool: prisma.sql }),
      inject: [PrismaService],
    },
  ],
  exports: [OutboxSignal, EVENT_FEED, OUTBOX_CONSUMERS],
})
export class OutboxModule {}
