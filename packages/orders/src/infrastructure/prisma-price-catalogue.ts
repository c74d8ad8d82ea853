import * as O from 'fp-ts/Option';
import type { Sku, UnitPrice } from '@allocation/orders-domain';
import type { Prisma, PrismaClient } from '@allocation/platform';
import type { PriceCatalogue } from '../ports/price-catalogue';

export class PrismaPriceCatalogue implements PriceCatalogue {
  constructor(private readonly client: Prisma.TransactionClient | PrismaClient) {}

  async priceOf(sku: Sku): Promise<O.Option<UnitPrice>> {
    const row = await this.client.price.findUnique({ where: { sku } });
    return row === null
      ? O.none
      : O.some({ amountMinor: Number(row.amountMinor), currency: row.currency } as UnitPrice);
  }

  async set(sku: Sku, price: UnitPrice): Promise<void> {
    const values = {
      amountMinor: price.amountMinor,
      currency: price.currency,
      updatedAt: new Date(),
    };
    await this.client.price.upsert({ where: { sku }, create: { sku, ...values }, update: values });
  }
}
