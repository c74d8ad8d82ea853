import { Global, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { OpenDatabase } from './database';
import { PrismaService } from './prisma.service';

export const OPEN_DATABASE = Symbol('OpenDatabase');

/** Closes the pool, then the embedded server (if any), when the application shuts down. */
class DatabaseLifecycle implements OnApplicationShutdown {
  constructor(
    private readonly prisma: PrismaService,
    private readonly database: OpenDatabase,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.prisma.close();
    await this.database.close();
  }
}

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(database: OpenDatabase): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: OPEN_DATABASE, useValue: database },
        {
          provide: PrismaService,
          useFactory: () => new PrismaService({ url: database.url, poolSize: database.poolSize }),
        },
        {
          provide: DatabaseLifecycle,
          useFactory: (prisma: PrismaService) => new DatabaseLifecycle(prisma, database),
          inject: [PrismaService],
        },
      ],
      exports: [PrismaService, OPEN_DATABASE],
    };
  }
}
