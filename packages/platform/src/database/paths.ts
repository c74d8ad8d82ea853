import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * Finds `relative` in the working directory or the nearest parent that has it, so the service
 * finds its migrations and web assets whether started from the repository root, from `apps/api`
 * or from a container's `/app`.
 */
export const locate = (relative: string, from: string = process.cwd()): string => {
  let directory = resolve(from);
  for (;;) {
    const candidate = join(directory, relative);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(directory);
    if (parent === directory) {
      throw new Error(`Cannot find ${relative} in ${from} or any parent directory`);
    }
    directory = parent;
  }
};

export const migrationsDirectory = (): string =>
  process.env['MIGRATIONS_DIR'] ?? locate(join('prisma', 'migrations'));
