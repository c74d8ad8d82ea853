import { defineConfig } from 'prisma/config';

// The CLI is used offline for generate/validate/format only; migrations run through our migrator.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env['DATABASE_URL'] ?? 'postgresql://localhost:5432/allocation' },
});
