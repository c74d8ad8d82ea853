# Multi-stage build of the allocation API on Node 24, the current LTS. package.json's engines (and
# .nvmrc) still allow the Node 20 of the development machines; the README says which is tested.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json nx.json tsconfig.base.json tsconfig.json jest.preset.js eslint.config.mjs ./
COPY tools ./tools
COPY prisma ./prisma
COPY prisma.config.ts ./
COPY packages ./packages
COPY apps ./apps
RUN npm ci --no-audit --no-fund && npx nx build api && npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/package.json ./
# The workspace libraries, as node_modules/@allocation/* links find them: manifest and build.
COPY --from=build /app/packages ./packages
RUN find packages -mindepth 2 -maxdepth 2 ! -name dist ! -name package.json -exec rm -rf {} +
COPY --from=build /app/dist/apps/api ./dist/apps/api
COPY --from=build /app/apps/api/public ./apps/api/public
COPY --from=build /app/prisma ./prisma
# Without DATABASE_URL the service keeps an embedded database here.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health/ready').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "dist/apps/api/main.js"]
