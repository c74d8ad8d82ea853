import { isDatabaseUnavailable, isTransientConflict, isUniqueViolation } from './postgres-errors';

// Shapes as `pg` and Prisma's driver adapter report them.
const pgError = (code: string, constraint?: string) =>
  Object.assign(new Error(`pg error ${code}`), { code, ...(constraint ? { constraint } : {}) });
const prismaWrapped = (cause: unknown) =>
  Object.assign(new Error('Invalid `prisma.$executeRaw()` invocation'), {
    code: 'P2010',
    meta: { driverAdapterError: { cause } },
  });

describe('recognising database errors', () => {
  it('sees a serialization failure or deadlock as a transient conflict, however wrapped', () => {
    expect(isTransientConflict(pgError('40001'))).toBe(true);
    expect(isTransientConflict(prismaWrapped({ originalCode: '40P01' }))).toBe(true);
    expect(isTransientConflict(Object.assign(new Error('x'), { code: 'P2034' }))).toBe(true);
    expect(isTransientConflict(pgError('23514'))).toBe(false);
  });

  it('treats a duplicate allocation row as a conflict to retry, a duplicate batch as not', () => {
    expect(
      isTransientConflict(pgError('23505', 'allocations_order_id_sku_batch_reference_key')),
    ).toBe(true);
    expect(isTransientConflict(pgError('23505', 'batches_pkey'))).toBe(false);
    expect(
      isUniqueViolation(
        prismaWrapped({ originalCode: '23505', constraint: { index: 'batches_pkey' } }),
        'batches_pkey',
      ),
    ).toBe(true);
    expect(
      isUniqueViolation(
        prismaWrapped({ originalCode: '23505', constraint: { index: 'batches_pkey' } }),
        'allocations_pkey',
      ),
    ).toBe(false);
  });

  it('recognises an unreachable database', () => {
    expect(
      isDatabaseUnavailable(
        Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      ),
    ).toBe(true);
    expect(isDatabaseUnavailable(pgError('57P01'))).toBe(true);
    expect(isDatabaseUnavailable(new TypeError('undefined is not a function'))).toBe(false);
  });

  it('recognises a connection lost mid-request, as pg and Prisma report it during a restart', () => {
    // What a `pg_ctl restart -m fast` under load produced, before these were 503s.
    expect(
      isDatabaseUnavailable(
        new Error('Client has encountered a connection error and is not queryable'),
      ),
    ).toBe(true);
    expect(
      isDatabaseUnavailable(
        Object.assign(new Error('Transaction API error: Transaction already closed'), {
          code: 'P2028',
        }),
      ),
    ).toBe(true);
    expect(
      isDatabaseUnavailable(
        new Error('Query failed', {
          cause: new Error('terminating connection due to administrator command'),
        }),
      ),
    ).toBe(true);
  });
});
