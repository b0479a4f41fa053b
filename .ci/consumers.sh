#!/usr/bin/env bash
# CI, the package as users get it (run by .ci/run after the tests; `npm run consumers`):
#
#   1. packs the tarball (`npm pack`, whose prepare step builds dist/);
#   2. checks it with `publint --strict` and @arethetypeswrong/cli (every resolution: node10, node16 from
#      CommonJS and from ES modules, bundler), both failing on any problem;
#   3. installs it into fresh projects in a temporary folder, one per .ci/consumers/<name>/, each with its own
#      dependencies from the npm registry (never from this repository's node_modules), and runs its `check`
#      script: TypeScript ES modules (nodenext and bundler resolution) on Express 5 beside
#      express-oauth2-jwt-bearer, plain CommonJS on Express 4 with ioredis at the peer range's minimum and the
#      `bearer-guard` command through npx, Jest in its CommonJS mode, and Fastify without express installed.
#
# Run alone: bash .ci/consumers.sh (after npm ci; needs redis-server and the npm registry).
set -euo pipefail
cd "$(dirname "$0")/.."

started=$SECONDS
say() { printf '[consumers] %s (+%d s)\n' "$1" "$((SECONDS - started))"; }
die() {
  printf '[consumers] FAILED: %s\n' "$*" >&2
  exit 1
}

command -v redis-server >/dev/null || die 'redis-server is missing (apt-get install -y redis-server)'
[[ -x node_modules/.bin/attw && -x node_modules/.bin/publint ]] || die 'node_modules is missing: run npm ci first'

work=$(mktemp -d "${TMPDIR:-/tmp}/bearer-guard-consumers.XXXXXX")
redis_pid=''
cleanup() {
  if [[ -n $redis_pid ]]; then
    kill "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

say 'npm pack (its prepare step builds the package)'
npm pack --pack-destination "$work" --silent >/dev/null
tarball=$(find "$work" -maxdepth 1 -name 'bearer-guard-*.tgz')
[[ -f $tarball ]] || die "npm pack left no tarball in $work"
say "packed $(basename "$tarball"): $(tar -tzf "$tarball" | wc -l) files"

say 'publint --strict'
node_modules/.bin/publint run "$tarball" --strict
say 'attw: node10, node16 (CommonJS and ES modules), bundler'
node_modules/.bin/attw "$tarball"

# A Redis of this run's own, on a free port, for the consumers that use bearer-guard/redis.
port=$(node -e "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); });")
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no >"$work/redis.log" 2>&1 &
redis_pid=$!
for _ in $(seq 50); do
  node -e "require('node:net').connect($port, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))" && break
  sleep 0.1
done
export REDIS_URL="redis://127.0.0.1:$port"

for template in .ci/consumers/*/; do
  name=$(basename "$template")
  project=$work/$name
  cp -r "$template" "$project"
  say "$name: npm install (the tarball and $(node -p "require('./$template/package.json').description"))"
  (cd "$project" && npm install --no-audit --no-fund --prefer-offline --loglevel=error "$tarball" >/dev/null) ||
    die "$name: npm install failed"
  say "$name: npm run check"
  (cd "$project" && npm run --silent check) || die "$name: its check failed"
done

say "every consumer passed"
