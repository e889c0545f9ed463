# Build stage: dev dependencies and tsc
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
# sources, migrations, models, bench (see .dockerignore for what stays out)
COPY . .
RUN npm run build && npm prune --omit=dev

# Runtime stage: production dependencies and dist/ only
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=21000 \
    DATA_DIR=/var/lib/atlas-expimp \
    TEMP_DIR=/tmp/atlas-expimp
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY models ./models
RUN mkdir -p /var/lib/atlas-expimp /tmp/atlas-expimp /import && chown -R node:node /var/lib/atlas-expimp /tmp/atlas-expimp /import
USER node
EXPOSE 21000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=5 \
  CMD node -e "require('http').get('http://127.0.0.1:'+(process.env.PORT||21000)+'/api/docs-json',r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"
# `node` directly, not `npm start` (which builds first): signals reach the server, which shuts down cleanly
# the heap budget of `npm start`: V8 sizes its heap growth by it (see README, "Memory")
CMD ["node", "--max-old-space-size=1024", "dist/src/main.js"]
