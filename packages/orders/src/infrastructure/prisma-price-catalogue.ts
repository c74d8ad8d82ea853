import * as O from 'fp-ts/Option';
import type { Sku, UnitPrice } from '@allocation/orders-domain';
import type { Prisma, PrismaClient } from '@allocation/platform';
import type { PriceCatalogue } from '../ports/price-catalogue';

export class PrismaPriceCatalogue implements PriceCatalogue {
  constructor(private readonly client: Prisma.TransactionClient | PrismaClient) {}

  async priceOf(sku: Sku): Promise<O.Option<UnitPrice>> {
    const [row] = await this.client.$queryRaw<Array<{ amount_minor: bigint; currency: string }>>`
      SELECT amount_minor, currency FROM prices WHERE sku = ${sku}`;
    return row === undefined
      ? O.none
      : O.some({ amountMinor: Number(row.amount_minor), currency: row.currency } as UnitPrice);
  }

  async set(sku: Sku, price: UnitPrice): Promise<void> {
    await this.client.$executeRaw`
      INSERT INTO prices (sku, amount_minor, currency, updated_at)
      VALUES (${sku}, ${price.amountMinor}, ${price.currency}, now())
      ON CONFLICT (sku) DO UPDATE
         SET amount_minor = excluded.amount_minor, currency = excluded.currency, updated_at = now()`;
  }
}
