# The image chart/ deploys. Not built on these machines (they have no Docker engine); the steps are
# the ones .ci/run proves on a clean clone: npm ci (with better-sqlite3 compiled), next build, npm start.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source at install.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY prisma ./prisma
ENV NEXT_TELEMETRY_DISABLED=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx next build

FROM node:20-bookworm-slim
WORKDIR /app
# The chart's ConfigMap sets the same: serve the image's build, never the simulators, on all interfaces.
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 SKIP_BUILD=1 DEMO=0 BIND_HOST=0.0.0.0 PORT=3000 \
    DATABASE_URL=file:/data/rollout-board.db
COPY --from=build --chown=1000:1000 /app /app
RUN mkdir -p /data && chown 1000:1000 /data
USER 1000
EXPOSE 3000
CMD ["npm", "start"]
