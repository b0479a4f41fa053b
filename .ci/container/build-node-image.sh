#!/usr/bin/env bash
# Builds, without any registry, the Node.js base image that the demo API's Dockerfile starts FROM, under the
# very name the Dockerfile gives (node:20-bookworm-slim), so `docker build` / `docker-compose build` find it
# present and pull nothing. Users' machines pull the official image instead; this is a stand-in for machines
# that reach no container registry (CI here):
#
#   a Debian root filesystem (debootstrap --variant=minbase, this machine's apt mirror and release)
#   + this machine's Node.js (its `node` binary, linked only against glibc and libstdc++, which minbase has)
#   and npm, in /usr/local like the official image; user and group `node` (1000:1000), CMD ["node"];
#   + this machine's CA bundle as NODE_EXTRA_CA_CERTS, so the Dockerfile's `npm ci` reaches the npm registry
#   through whatever TLS-inspecting egress this machine has (node trusts its own bundled roots as well);
#   imported with `docker import`.
#
# Usage: .ci/container/build-node-image.sh [--force]
#   --force  also replace an image of that name that this script did not make (e.g. the official one, pulled)
# The image carries a label with a hash of its inputs (root filesystem key, node and npm versions, this script):
# an up-to-date image is left alone, a stale one rebuilt.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

force=false
case ${1:-} in
  --force) force=true ;;
  '') ;;
  *) die "unknown argument: $1 (usage: $0 [--force])" ;;
esac

root=$(repo_root)
image=$(awk 'toupper($1) == "FROM" { print $2; exit }' "$root/Dockerfile")
[[ $image =~ ^node:([0-9]+)(-|$) ]] || die "the Dockerfile's FROM is '$image', not a node:<major>… image"
major=${BASH_REMATCH[1]}
suite=$(debian_suite)
[[ $image != *-* || $image == *"-$suite"* || $image == *"-$suite-"* ]] ||
  say "note: $image names another Debian release than this machine's ($suite); the stand-in is $suite"

docker info >/dev/null 2>&1 || die "no Docker engine answers${DOCKER_HOST:+ on $DOCKER_HOST}"
node_bin=$(readlink -f "$(command -v node)") || die 'no node on PATH'
node_version=$("$node_bin" --version)
[[ $node_version == "v$major."* ]] || die "this machine's node is $node_version; $image needs Node $major"
npm_dir=$(npm root -g 2>/dev/null)/npm
[[ -f $npm_dir/package.json ]] || die "npm is not installed globally beside node (looked in $npm_dir)"
npm_version=$(sed -n 's/^  "version": "\([^"]*\)".*/\1/p' "$npm_dir/package.json" | head -n 1)
ca_bundle=/etc/ssl/certs/ca-certificates.crt

scripts_hash=$(cat "$root/.ci/container/lib.sh" "${BASH_SOURCE[0]}" | sha256sum | cut -c1-16)
ca_hash=$([[ -f $ca_bundle ]] && sha256sum <"$ca_bundle" | cut -c1-16 || echo none)
key=$(short_hash node "$suite" "$(debian_mirror)" "$node_version" "$npm_version" "$ca_hash" "$scripts_hash")
present=$(image_build_label "$image")
if [[ $present == "$key" ]]; then
  say "image $image: up to date (built here from Debian $suite + this machine's Node.js $node_version)"
  exit 0
fi
if [[ -z $present ]] && image_present "$image" && ! $force; then
  say "image $image: present and not built by this script (the official image?), using it as it is (--force replaces it)"
  exit 0
fi
old_id=$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
say "image $image: building (Debian $suite + Node.js $node_version and npm $npm_version from this machine)"
started=$SECONDS

rootfs=$(rootfs_tarball node)
cache=$(container_cache_dir)
mkdir -p "$cache/images"
staging=$(mktemp -d "$cache/images/.node-XXXXXX")
trap 'remove_tree "$staging"' EXIT
tar --numeric-owner -C "$staging" -xf "$rootfs"
install -D -m 0755 "$node_bin" "$staging/usr/local/bin/node"
mkdir -p "$staging/usr/local/lib/node_modules"
cp -a "$npm_dir" "$staging/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$staging/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$staging/usr/local/bin/npx"
if [[ -f $ca_bundle ]]; then
  install -D -m 0644 "$ca_bundle" "$staging/usr/local/share/bearer-guard/ca-certificates.crt"
fi
grep -q '^node:' "$staging/etc/group" || echo 'node:x:1000:' >>"$staging/etc/group"
grep -q '^node:' "$staging/etc/passwd" || echo 'node:x:1000:1000::/home/node:/bin/bash' >>"$staging/etc/passwd"
install -d -o 1000 -g 1000 -m 0755 "$staging/home/node"

changes=(
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  --change "ENV NODE_VERSION=${node_version#v}"
  --change 'CMD ["node"]'
  --change "LABEL org.bearer-guard.build=$key"
  --change 'LABEL org.bearer-guard.image=node'
  --change "LABEL org.opencontainers.image.description=\"Node.js $node_version on Debian $suite, built locally by .ci/container/build-node-image.sh\""
)
[[ -f $ca_bundle ]] && changes+=(--change 'ENV NODE_EXTRA_CA_CERTS=/usr/local/share/bearer-guard/ca-certificates.crt')
say "image $image: docker import ($(du -sh "$staging" | cut -f1) tree)"
tar --numeric-owner -C "$staging" -c . |
  docker import "${changes[@]}" --message "Node.js $node_version on Debian $suite, no registry" - "$image" >/dev/null

new_id=$(docker image inspect --format '{{.Id}}' "$image")
if [[ -n $old_id && $old_id != "$new_id" ]]; then docker image rm "$old_id" >/dev/null 2>&1 || true; fi

# It runs, node and npm (no network: --network none, a loopback-only namespace).
out=$(docker run --rm --network none --user node "$image" sh -c 'node --version && npm --version' 2>&1) || {
  printf '%s\n' "$out" >&2
  die "$image does not run node and npm"
}
[[ $out == "$node_version"* ]] || {
  printf '%s\n' "$out" >&2
  die "$image runs another node"
}
say "image $image: built in $((SECONDS - started)) s (node $(head -n 1 <<<"$out"), npm $(tail -n 1 <<<"$out"))"
