#!/usr/bin/env bash
# Builds the Keycloak image without any registry and tags it with the official name and the pinned version
# (quay.io/keycloak/keycloak:<KEYCLOAK_VERSION>), so the testcontainers setup, the launcher's Docker path and
# docker-compose.yml find it present and pull nothing:
#
#   a Debian root filesystem (debootstrap --variant=minbase, Debian's packages, this machine's apt mirror)
#   + a headless JRE from Debian (openjdk-21-jre-headless when the release has it, else openjdk-17-jre-headless)
#   + the pinned server distribution org.keycloak:keycloak-quarkus-dist:<version>:zip from Maven Central,
#   laid out like the official image: /opt/keycloak owned by 1000:0 (group-writable), user 1000 (keycloak),
#   /opt/keycloak/data/import, ENTRYPOINT ["/opt/keycloak/bin/kc.sh"], KC_RUN_IN_CONTAINER=true;
#   imported with `docker import`.
#
# Usage: .ci/container/build-keycloak-image.sh [--force]
#   --force  also replace an image of that name that this script did not make (e.g. the official one, pulled)
# The engine is the one DOCKER_HOST (or the default socket) names. Cached between runs under the cache folder
# (.ci/container/lib.sh: /var/cache/bearer-guard as root, else ~/.cache/bearer-guard; BEARER_GUARD_CACHE):
# the root filesystem (keyed on release, mirror, packages) and the distribution (keyed on the version). The
# image carries a label with a hash of all its inputs: an up-to-date image is left alone, a stale one rebuilt.
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
version=$(sed -n "s/^export const KEYCLOAK_VERSION = '\([^']*\)';.*/\1/p" "$root/scripts/keycloak/constants.ts")
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "cannot read KEYCLOAK_VERSION from scripts/keycloak/constants.ts (got '$version')"
image="quay.io/keycloak/keycloak:$version"
artifact="org.keycloak:keycloak-quarkus-dist:$version:zip"
cache=$(container_cache_dir)
suite=$(debian_suite)

docker info >/dev/null 2>&1 || die "no Docker engine answers${DOCKER_HOST:+ on $DOCKER_HOST}"

# Debian's newest headless JRE for this release: Keycloak 26 wants Java 21 and runs on 17 with a warning.
jre=${KEYCLOAK_IMAGE_JRE:-}
if [[ -z $jre ]]; then
  if apt-cache madison openjdk-21-jre-headless 2>/dev/null | grep -q " $suite/main "; then
    jre=openjdk-21-jre-headless
  else
    jre=openjdk-17-jre-headless
  fi
fi

scripts_hash=$(cat "$root/.ci/container/lib.sh" "${BASH_SOURCE[0]}" | sha256sum | cut -c1-16)
key=$(short_hash keycloak "$version" "$suite" "$(debian_mirror)" "$jre" "$scripts_hash")
present=$(image_build_label "$image")
if [[ $present == "$key" ]]; then
  say "image $image: up to date (built here from Debian $suite + $jre + $artifact)"
  exit 0
fi
if [[ -z $present ]] && image_present "$image" && ! $force; then
  say "image $image: present and not built by this script (the official image?), using it as it is (--force replaces it)"
  exit 0
fi
old_id=$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
say "image $image: building (Debian $suite + $jre + Keycloak $version from Maven Central)"
started=$SECONDS

# 1. The server distribution, once per version.
dist_dir="$cache/keycloak-dist/$version"
zip="$dist_dir/keycloak-quarkus-dist-$version.zip"
if [[ -s $zip ]]; then
  say "distribution $artifact: cached $zip"
else
  command -v mvn >/dev/null || die 'mvn is not installed (apt-get install maven)'
  mkdir -p "$dist_dir"
  tmp_dist=$(mktemp -d "$dist_dir/.fetch-XXXXXX")
  say "distribution $artifact: mvn dependency:copy (from Maven Central, or ~/.m2 when there)"
  if ! mvn -B -q dependency:copy -Dartifact="$artifact" -DoutputDirectory="$tmp_dist" >"$tmp_dist.log" 2>&1; then
    tail -n 30 "$tmp_dist.log" >&2
    rm -rf "$tmp_dist" "$tmp_dist.log"
    die "mvn could not fetch $artifact"
  fi
  mv "$tmp_dist/keycloak-quarkus-dist-$version.zip" "$zip"
  rm -rf "$tmp_dist" "$tmp_dist.log"
  # Distributions of other versions are no longer needed.
  find "$cache/keycloak-dist" -mindepth 1 -maxdepth 1 -type d ! -name "$version" -exec rm -rf {} +
fi
command -v unzip >/dev/null || die 'unzip is not installed (apt-get install unzip)'
unzip -tq "$zip" >/dev/null || die "$zip is damaged: remove it and run again"

# 2. The root filesystem with the JRE.
rootfs=$(rootfs_tarball keycloak "$jre")

# 3. The image's tree: root filesystem + /opt/keycloak, like the official image.
mkdir -p "$cache/images"
staging=$(mktemp -d "$cache/images/.keycloak-XXXXXX")
trap 'remove_tree "$staging"' EXIT
tar --numeric-owner -C "$staging" -xf "$rootfs"
unzip -q "$zip" -d "$staging/opt"
mv "$staging/opt/keycloak-$version" "$staging/opt/keycloak"
mkdir -p "$staging/opt/keycloak/data/import"
grep -q '^keycloak:' "$staging/etc/passwd" ||
  echo 'keycloak:x:1000:0:keycloak user:/opt/keycloak:/sbin/nologin' >>"$staging/etc/passwd"
chown -R 1000:0 "$staging/opt/keycloak"
chmod -R g+rwX "$staging/opt/keycloak"
# The JRE's folder is fixed by the package: tell kc.sh where it is (JAVA_HOME) rather than rely on /usr/bin/java.
java_bin=$(cd "$staging" && find usr/lib/jvm -mindepth 3 -maxdepth 3 -path '*/bin/java' -type f | sort | tail -n 1)
[[ -n $java_bin ]] || die "no java under /usr/lib/jvm in the root filesystem"
java_home=/${java_bin%/bin/java}

# 4. Import and tag.
say "image $image: docker import ($(du -sh "$staging" | cut -f1) tree)"
tar --numeric-owner -C "$staging" -c . | docker import \
  --change 'ENTRYPOINT ["/opt/keycloak/bin/kc.sh"]' \
  --change 'USER 1000' \
  --change 'WORKDIR /opt/keycloak' \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV JAVA_HOME=$java_home" \
  --change 'ENV LANG=C.UTF-8' \
  --change 'ENV KC_RUN_IN_CONTAINER=true' \
  --change 'EXPOSE 8080' \
  --change 'EXPOSE 8443' \
  --change 'EXPOSE 9000' \
  --change "LABEL org.bearer-guard.build=$key" \
  --change 'LABEL org.bearer-guard.image=keycloak' \
  --change "LABEL org.opencontainers.image.version=$version" \
  --change "LABEL org.opencontainers.image.description=\"Keycloak $version on Debian $suite ($jre), built locally by .ci/container/build-keycloak-image.sh\"" \
  --message "Keycloak $version on Debian $suite ($jre), no registry" \
  - "$image" >/dev/null

# The image this one replaces, and locally built images of other versions, are dead weight.
new_id=$(docker image inspect --format '{{.Id}}' "$image")
if [[ -n $old_id && $old_id != "$new_id" ]]; then docker image rm "$old_id" >/dev/null 2>&1 || true; fi
docker images --filter label=org.bearer-guard.image=keycloak --format '{{.Repository}}:{{.Tag}}' |
  grep -v -x -F "$image" | grep -v '<none>' | xargs -r docker image rm >/dev/null 2>&1 || true

# 5. It runs: kc.sh finds the JRE and the distribution (no network: --network none, a loopback-only namespace).
if ! out=$(docker run --rm --network none "$image" --version 2>&1); then
  printf '%s\n' "$out" >&2
  die "$image does not run"
fi
grep -q "Keycloak $version" <<<"$out" || {
  printf '%s\n' "$out" >&2
  die "$image does not say Keycloak $version"
}
say "image $image: built in $((SECONDS - started)) s ($(docker image inspect --format '{{.Size}}' "$image" | awk '{ printf "%d MB", $1 / 1e6 }')); $(grep -m1 -i 'JVM' <<<"$out" || true)"
