# The demo resource server (docs/demo-server.md) as an image, for docker-compose.yml.
# Single stage on purpose: express, which the demo server needs at run time, is a devDependency of the library.
# Where no registry is reachable (CI), .ci/container/build-node-image.sh builds a stand-in for the base image
# under the same name first, and docker-compose.ci.yml runs the build on the host network.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.demo.json ./
COPY src ./src
RUN npm run build:demo
ENV NODE_ENV=production HOST=0.0.0.0 PORT=50100
EXPOSE 50100
USER node
CMD ["node", "dist-demo/demo/server.js"]
