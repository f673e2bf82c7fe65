# CivicQ: one image, two processes.
#   web (default):  docker run IMAGE
#   worker:         docker run IMAGE node --max-semi-space-size=8 --max-old-space-size=192 --enable-source-maps build/worker.js   (or: npm run worker)
#   migrations:     docker run IMAGE npm run db:migrate
# Every stage starts from the same pinned base, so the native bits npm installs in prod-deps
# (esbuild's binary, which tsx needs for db:migrate) match the runtime exactly.
# Kept compatible with the classic builder too (no RUN --mount), as docker-compose 1.29 may use it.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

FROM ${NODE_IMAGE} AS base
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

# All dependencies, dev included: the Remix compiler, esbuild, PostCSS and Tailwind build the app.
FROM base AS deps
ENV PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
COPY package.json package-lock.json ./
RUN npm ci

FROM deps AS build
COPY . .
RUN npm run build

# Runtime dependencies only, installed fresh rather than pruned, so no dev package can linger.
FROM base AS prod-deps
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
# ffmpeg: the worker transcodes video. tini: PID 1 that forwards SIGTERM (graceful drain) and
# reaps the ffmpeg children the worker spawns.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    PORT=3000 \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false

# Owned by root and read-only to the app user: the process cannot rewrite its own code.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY --from=build /app/build ./build
COPY --from=build /app/public ./public
# db/ + app/ + tsconfig.json (for the `~/` alias): `npm run db:migrate` runs the TypeScript
# sources through tsx. worker/crontab is read from disk by the worker at start-up.
COPY db ./db
COPY app ./app
COPY worker/crontab ./worker/crontab
# npm scripts run through scripts/node24.sh (a no-op here: the image's node is 24).
COPY scripts/node24.sh ./scripts/node24.sh

# var/ holds local storage and the mail outbox when STORAGE_DRIVER=local / no SMTP_URL.
RUN mkdir -p var/storage var/outbox && chown -R node:node var
USER node

EXPOSE 3000
# No curl in slim images: Node's fetch does the probe. Liveness only (/readyz is for the balancer).
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--enable-source-maps", "build/server.js"]
