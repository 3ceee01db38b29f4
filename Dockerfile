# One image for the API, the worker and the migration job (docker-compose.yml
# picks the command). TypeScript runs through tsx, as in development, so the
# workflow bundler sees the same sources the tests ran against.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    # An existing executable: the Prisma CLI then skips downloading its schema
    # engine, which `prisma generate` does not need.
    PRISMA_SCHEMA_ENGINE_BINARY=/usr/local/bin/node \
    PRISMA_HIDE_UPDATE_MESSAGE=1
COPY package.json package-lock.json ./
# Dev dependencies are kept: tsx runs the sources and prisma generates the client.
RUN npm ci --include=dev && npm cache clean --force
COPY . .
RUN npx prisma generate
USER node
EXPOSE 3000
CMD ["npx", "tsx", "api/main.ts"]
