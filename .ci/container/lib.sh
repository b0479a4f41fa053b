# shellcheck shell=bash
# Shared by .ci/container/*.sh (sourced, not run): the cache folder, Debian's mirror, and Debian root
# filesystems made with debootstrap and kept as tarballs, keyed on everything that goes into them.
#
# Nothing here talks to a container registry: images are made from those root filesystems with `docker import`.
# The caller sets DOCKER_HOST (or leaves the default socket) for the engine to use.

# Where root filesystems, Debian packages and the Keycloak distribution are kept between runs (outside the repo).
# BEARER_GUARD_CACHE overrides it.
container_cache_dir() {
  if [[ -n ${BEARER_GUARD_CACHE:-} ]]; then
    printf '%s\n' "$BEARER_GUARD_CACHE"
  elif [[ $(id -u) == 0 ]]; then
    printf '%s\n' /var/cache/bearer-guard
  else
    printf '%s\n' "${XDG_CACHE_HOME:-$HOME/.cache}/bearer-guard"
  fi
}

say() { printf '[container] %s\n' "$*" >&2; }
die() {
  printf '[container] error: %s\n' "$*" >&2
  exit 1
}

# The repository root (this file is .ci/container/lib.sh).
repo_root() { (cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd); }

# The Debian release to bootstrap: this machine's own (bookworm here), or DEBIAN_SUITE.
debian_suite() {
  if [[ -n ${DEBIAN_SUITE:-} ]]; then
    printf '%s\n' "$DEBIAN_SUITE"
    return
  fi
  local codename
  # shellcheck disable=SC1091 # the machine's own file
  codename=$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")
  [[ -n $codename ]] || die 'cannot tell the Debian release (no VERSION_CODENAME in /etc/os-release); set DEBIAN_SUITE'
  printf '%s\n' "$codename"
}

# The mirror apt already uses on this machine for that release (its Debian origin), or DEBIAN_MIRROR.
debian_mirror() {
  if [[ -n ${DEBIAN_MIRROR:-} ]]; then
    printf '%s\n' "$DEBIAN_MIRROR"
    return
  fi
  local suite uri
  suite=$(debian_suite)
  # shellcheck disable=SC2016 # $(…) are apt's own field names, not the shell's
  uri=$(apt-get indextargets --format '$(ORIGIN)|$(RELEASE)|$(REPO_URI)' 2>/dev/null |
    awk -F'|' -v suite="$suite" '$1 == "Debian" && $2 == suite { print $3; exit }')
  if [[ -z $uri ]]; then
    # No package lists yet: read the sources themselves (deb822 `URIs:` or one-line `deb URI suite ...`).
    uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
      awk -v suite="$suite" '
        /^URIs:/ { uris = $2 }
        /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite && uris !~ /security/) { print uris; exit } }
        /^deb / && $3 == suite && $2 !~ /security/ { print $2; exit }')
  fi
  [[ -n $uri ]] || die "no Debian mirror for $suite in apt's sources; set DEBIAN_MIRROR"
  printf '%s\n' "${uri%/}"
}

# sha256 of its arguments (joined by newlines), first 16 hex digits: cache keys and image labels.
short_hash() { printf '%s\n' "$@" | sha256sum | cut -c1-16; }

# Unmounts whatever is still mounted below a folder (a debootstrap that was interrupted leaves /proc and /sys
# mounted in its target), deepest first.
unmount_below() {
  local dir=$1 mountpoint
  [[ -d $dir ]] || return 0
  while read -r mountpoint; do
    umount -l "$mountpoint" 2>/dev/null || true
  done < <(awk -v d="$(realpath "$dir")/" 'index($2 "/", d) == 1 { print $2 }' /proc/mounts | sort -r)
}

# Removes a staging folder safely (nothing mounted inside it any more).
remove_tree() {
  local dir=$1
  [[ -n $dir && -d $dir ]] || return 0
  unmount_below "$dir"
  rm -rf --one-file-system "$dir"
}

# rootfs_tarball NAME [PACKAGE...]: prints the path of a gzip-free tarball of a minbase Debian root filesystem
# with those packages, made with debootstrap on the first call and reused while suite, mirror, packages and
# debootstrap's version stay the same. Downloaded .deb files are kept too, so another root filesystem with
# overlapping packages downloads only what it lacks.
rootfs_tarball() (
  local name=$1
  shift
  local packages=("$@")
  local cache suite mirror key tarball work
  cache=$(container_cache_dir)
  suite=$(debian_suite)
  mirror=$(debian_mirror)
  command -v debootstrap >/dev/null || die 'debootstrap is not installed (apt-get install debootstrap)'
  key=$(short_hash "$suite" minbase "$mirror" "${packages[*]}" "$(dpkg-query -W -f '${Version}' debootstrap 2>/dev/null)")
  tarball="$cache/rootfs/$name-$suite-$key.tar"
  if [[ -s $tarball ]]; then
    say "root filesystem $name ($suite, minbase${packages:+ + ${packages[*]}}): cached $tarball"
    printf '%s\n' "$tarball"
    return
  fi
  mkdir -p "$cache/rootfs" "$cache/debs"
  work=$(mktemp -d "$cache/rootfs/.build-$name-XXXXXX")
  # shellcheck disable=SC2064 # expand now: the trap must remove this very folder (this function is a subshell)
  trap "remove_tree '$work'" EXIT
  say "root filesystem $name: debootstrap --variant=minbase${packages:+ --include=$(IFS=,; printf '%s' "${packages[*]}")} $suite from $mirror (a few minutes, once)"
  local include=()
  ((${#packages[@]})) && include=("--include=$(IFS=,; printf '%s' "${packages[*]}")")
  if ! debootstrap --variant=minbase "${include[@]}" --cache-dir="$cache/debs" "$suite" "$work/root" "$mirror" \
    >"$work/debootstrap.log" 2>&1; then
    tail -n 30 "$work/debootstrap.log" >&2
    [[ -f $work/root/debootstrap/debootstrap.log ]] && tail -n 30 "$work/root/debootstrap/debootstrap.log" >&2
    die "debootstrap of $name failed"
  fi
  unmount_below "$work/root"
  # What an image does not need: package lists, downloaded packages (kept in the cache instead), logs.
  rm -rf "$work/root/var/lib/apt/lists/"* "$work/root/var/cache/apt/"*.bin "$work/root/var/cache/apt/archives/"*.deb \
    "$work/root/var/log/"*.log "$work/root/debootstrap"
  tar --numeric-owner -C "$work/root" -cf "$work/rootfs.tar" .
  mv "$work/rootfs.tar" "$tarball"
  # Older root filesystems of the same name are dead weight once a new key is built.
  find "$cache/rootfs" -maxdepth 1 -name "$name-*.tar" ! -path "$tarball" -delete
  say "root filesystem $name: $(du -h "$tarball" | cut -f1) in $tarball"
  printf '%s\n' "$tarball"
)

# image_build_label IMAGE: the org.bearer-guard.build label of a present image, empty when absent or unlabelled.
image_build_label() {
  docker image inspect --format '{{index .Config.Labels "org.bearer-guard.build"}}' "$1" 2>/dev/null || true
}

# image_present IMAGE: the image is in the engine (whoever made it).
image_present() { docker image inspect "$1" >/dev/null 2>&1; }
