/**
 * PostgreSQL error codes reach us wrapped differently by `pg` and by Prisma's driver adapter;
 * these helpers look through the wrapping for the SQLSTATE and the constraint.
 */
interface PgErrorDetails {
  readonly code?: string;
  readonly constraint?: string;
}

const SERIALIZATION_FAILURE = '40001';
const DEADLOCK_DETECTED = '40P01';
const UNIQUE_VIOLATION = '23505';

const detailsOf = (error: unknown, depth = 0): PgErrorDetails[] => {
  if (typeof error !== 'object' || error === null || depth > 5) return [];
  const record = error as Record<string, unknown>;
  const own: PgErrorDetails = {
    ...(typeof record['code'] === 'string' ? { code: record['code'] } : {}),
    ...(typeof record['originalCode'] === 'string' ? { code: record['originalCode'] } : {}),
    ...(typeof record['constraint'] === 'string' ? { constraint: record['constraint'] } : {}),
    // Prisma's adapter reports a unique violation's constraint as `{ index: name }`.
    ...(typeof record['index'] === 'string' ? { constraint: record['index'] } : {}),
  };
  const constraintField = record['constraint'];
  const fromConstraint =
    typeof constraintField === 'object' && constraintField !== null
      ? detailsOf(constraintField, depth + 1)
      : [];
  return [
    own,
    ...fromConstraint,
    ...detailsOf(record['cause'], depth + 1),
    ...detailsOf(record['meta'], depth + 1),
    ...detailsOf(record['driverAdapterError'], depth + 1),
  ];
};

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : '');

export const hasSqlState = (error: unknown, ...codes: string[]): boolean =>
  detailsOf(error).some((d) => d.code !== undefined && codes.includes(d.code));

/** 22012: how a statement that must be all or nothing refuses itself (see the batch commit). */
export const isDivisionByZero = (error: unknown): boolean => hasSqlState(error, '22012');

export const isUniqueViolation = (error: unknown, constraint?: string): boolean => {
  const details = detailsOf(error);
  const unique =
    details.some((d) => d.code === UNIQUE_VIOLATION || d.code === 'P2002') ||
    /unique constraint/i.test(messageOf(error));
  if (!unique || constraint === undefined) return unique;
  return details.some((d) => d.constraint === constraint) || messageOf(error).includes(constraint);
};

/** Failures that mean "another transaction got there first": retrying may succeed. */
export const isTransientConflict = (error: unknown): boolean =>
  // P2034 is Prisma's name for a write conflict or deadlock.
  hasSqlState(error, SERIALIZATION_FAILURE, DEADLOCK_DETECTED, 'P2034') ||
  isUniqueViolation(error, 'allocations_order_id_sku_batch_reference_key');

const UNAVAILABLE_CODES = [
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  // Prisma: cannot reach / closed the connection / timed out fetching a connection.
  'P1001',
  'P1017',
  'P2024',
  // Prisma: the transaction's connection broke under it (seen while PostgreSQL restarts).
  'P2028',
  // PostgreSQL: connection failures, too many connections, shutting down.
  '08000',
  '08001',
  '08003',
  '08006',
  '53300',
  '57P01',
  '57P03',
  // A server that no longer takes writes: a primary demoted, or a standby not yet promoted.
  '25006',
];

/** The database cannot be reached or refuses connections: a 503, not a bug. */
export const isDatabaseUnavailable = (error: unknown): boolean =>
  hasSqlState(error, ...UNAVAILABLE_CODES) || UNAVAILABLE_MESSAGES.test(messagesOf(error));

// What `pg` and Prisma say, without a code, when a connection is lost or cannot be had.
const UNAVAILABLE_MESSAGES = new RegExp(
  [
    'ECONNREFUSED',
    "Can't reach database server",
    'Connection terminated',
    'connection error and is not queryable',
    'Connection ended unexpectedly',
    'server closed the connection unexpectedly',
    'terminating connection',
    'timeout exceeded when trying to connect',
    // No server of a multi-host DATABASE_URL takes writes (ServerLocator), however it is wrapped.
    'No database server',
    'no longer takes writes',
  ].join('|'),
  'i',
);

/** The error's message and those of what it wraps (Prisma wraps the driver's error). */
const messagesOf = (error: unknown, depth = 0): string => {
  if (typeof error !== 'object' || error === null || depth > 5) return '';
  const record = error as Record<string, unknown>;
  const own = typeof record['message'] === 'string' ? record['message'] : '';
  return [
    own,
    messagesOf(record['cause'], depth + 1),
    messagesOf(record['driverAdapterError'], depth + 1),
  ].join('\n');
};
