# One image for the API, the worker and the migration job (docker-compose.yml
# picks the command). The build stage compiles to dist/; the runtime stage has
# dist/ and production dependencies only: no TypeScript, no Prisma CLI, no
# test tooling.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# An existing executable: the Prisma CLI then skips downloading its schema
# engine, which `prisma generate` does not need.
ENV PRISMA_SCHEMA_ENGINE_BINARY=/usr/local/bin/node \
    PRISMA_HIDE_UPDATE_MESSAGE=1
COPY package.json package-lock.json ./
# No install scripts, as on the project's machines (npm 11 runs none unless
# approved, this image's npm 10 would run them all): every native part ships
# as a platform package, none needs a script.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npx prisma generate && npm run build

FROM node:20-bookworm-slim
WORKDIR /app
# tini as PID 1: it forwards SIGTERM to node, whose handlers drain the API and
# let the worker finish its running activities, and it reaps zombies.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/*
# HOST: inside a container the default loopback address is unreachable from
# other containers and from published ports.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
COPY package.json package-lock.json ./
# --omit=dev keeps packages the lockfile marks devOptional: @prisma/client's
# optional peers `prisma` and `typescript`, which are also devDependencies,
# with the Prisma CLI's ~250 MB of dependencies. Nothing at run time loads
# them (the migration runner is the project's own), so they are removed.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
    && node -e "const fs=require('fs');for(const [p,e] of Object.entries(require('./package-lock.json').packages))if(e.devOptional)fs.rmSync(p,{recursive:true,force:true})" \
    && find node_modules/.bin -xtype l -delete \
    && npm cache clean --force
# dist/ holds the plans' JSON and templates and the SQL migrations beside the
# code that reads them (scripts/build.ts). The worker bundles dist/workflows
# with webpack when it starts; webpack and swc are @temporalio/worker's own
# dependencies, so they are here.
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
# The API's liveness (no curl in a slim image: Node's fetch). The worker
# container overrides it with its heartbeat file's age (docker-compose.yml).
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=4 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/api/main.js"]
