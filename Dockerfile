# syntax=docker/dockerfile:1
# CX Pulse image: build with the full toolchain, run on a slim Node 20 as the unprivileged `node`
# user. `docker compose up` builds it (docker-compose.yml); docs/grafana.md describes the stack.

FROM node:20 AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# dist/ from tsconfig.build.json, then drop the dev dependencies (tsx, vitest, …) for the runtime.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# The wallboard serves its files from `./static/` next to the compiled plugin
# (src/server/wallboard/wallboard-plugin.ts); tsc emits only the .js among them, so copy them all.
COPY --chown=node:node src/server/wallboard/static ./dist/server/wallboard/static
COPY --chown=node:node package.json ./
COPY --chown=node:node bin ./bin
COPY --chown=node:node pipelines ./pipelines
COPY --chown=node:node scenarios ./scenarios
USER node
EXPOSE 8080
# node:20-slim has neither curl nor wget; Node 20's fetch does the same job.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "bin/cxpulse.js"]
CMD ["run"]
