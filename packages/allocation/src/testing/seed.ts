import type { PrismaService } from '@allocation/platform';

/**
 * Writes `count` one-unit lines (orders `<sku>-seed-1…count`) into an existing batch straight in
 * SQL, keeping the batch's total in step: fast set-up for tests and benchmarks about big
 * products, which measure what comes after, not the seeding.
 */
export const seedAllocatedLines = async (
  prisma: PrismaService,
  batch: { readonly reference: string; readonly sku: string },
  count: number,
): Promise<void> => {
  const { reference, sku } = batch;
  await prisma.client.$transaction([
    prisma.client.$executeRaw`
      INSERT INTO allocations (order_id, sku, batch_reference, quantity)
      SELECT ${sku} || '-seed-' || g, ${sku}, ${reference}, 1 FROM generate_series(1, ${count}) g`,
    prisma.client.$executeRaw`
      UPDATE batches SET allocated_quantity = allocated_quantity + ${count}
       WHERE reference = ${reference}`,
    prisma.client.$executeRaw`ANALYZE`,
  ]);
};
