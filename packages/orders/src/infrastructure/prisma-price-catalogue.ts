import * as O from 'fp-ts/Option';
import type { Sku, UnitPrice } from '@allocation/orders-domain';
import type { Prisma, PrismaClient } from '@allocation/platform';
import type { PriceCatalogue } from '../ports/price-catalogue';
import type { AssumedPrice, PriceMemory } from './price-memory';

/**
 * The catalogue in the database. With `memory`, what it reads is remembered and what it sets is
 * forgotten; with `recalling` too (a statement context), it answers from memory when it can and
 * keeps what it answered so in `assumed`, for the order's write to check.
 */
export class PrismaPriceCatalogue implements PriceCatalogue {
  /** Prices handed out from memory, not read: the write must find them unchanged. */
  readonly assumed: AssumedPrice[] = [];

  constructor(
    private readonly client: Prisma.TransactionClient | PrismaClient,
    private readonly memory?: PriceMemory,
    private readonly recalling = false,
  ) {}

  async priceOf(sku: Sku): Promise<O.Option<UnitPrice>> {
    const prices = await this.pricesOf([sku]);
    return O.fromNullable(prices.get(sku));
  }

  async pricesOf(skus: ReadonlyArray<Sku>): Promise<ReadonlyMap<string, UnitPrice>> {
    if (skus.length === 0) return new Map();
    const wanted = [...new Set(skus)];
    const recalled = this.recalling ? this.memory?.recall(wanted) : undefined;
    if (recalled !== undefined) {
      for (const [sku, price] of recalled) this.assumed.push({ sku, price });
      return recalled;
    }
    const rows = await this.client.price.findMany({ where: { sku: { in: wanted } } });
    const prices = new Map(rows.map((row) => [row.sku, toUnitPrice(row)]));
    this.memory?.learn(prices);
    return prices;
  }

  async set(sku: Sku, price: UnitPrice): Promise<void> {
    const values = {
      amountMinor: price.amountMinor,
      currency: price.currency,
      updatedAt: new Date(),
    };
    await this.client.price.upsert({ where: { sku }, create: { sku, ...values }, update: values });
    // Forgotten rather than learnt: the transaction may still roll back.
    this.memory?.forget([sku]);
  }
}

/** Prices were validated on the way in, so they are cast back rather than validated again. */
const toUnitPrice = (row: { amountMinor: bigint; currency: string }): UnitPrice =>
  ({ amountMinor: Number(row.amountMinor), currency: row.currency }) as UnitPrice;
