import * as O from 'fp-ts/Option';
import type { Sku, UnitPrice } from '@allocation/orders-domain';
import type { Prisma, PrismaClient } from '@allocation/platform';
import type { PriceCatalogue } from '../ports/price-catalogue';

export class PrismaPriceCatalogue implements PriceCatalogue {
  constructor(private readonly client: Prisma.TransactionClient | PrismaClient) {}

  async priceOf(sku: Sku): Promise<O.Option<UnitPrice>> {
    const row = await this.client.price.findUnique({ where: { sku } });
    return row === null ? O.none : O.some(toUnitPrice(row));
  }

  async pricesOf(skus: ReadonlyArray<Sku>): Promise<ReadonlyMap<string, UnitPrice>> {
    if (skus.length === 0) return new Map();
    const rows = await this.client.price.findMany({ where: { sku: { in: [...new Set(skus)] } } });
    return new Map(rows.map((row) => [row.sku, toUnitPrice(row)]));
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

/** Prices were validated on the way in, so they are cast back rather than validated again. */
const toUnitPrice = (row: { amountMinor: bigint; currency: string }): UnitPrice =>
  ({ amountMinor: Number(row.amountMinor), currency: row.currency }) as UnitPrice;
