#!/usr/bin/env bash
# CI, the container path (the way a user with Docker gets Keycloak: testcontainers, `npm run demo`, docker compose),
# run by .ci/run after the native path (which ran with no engine around):
#
#   1. installs docker.io, docker-compose and debootstrap from Debian when missing;
#   2. starts a Docker engine of its own: its own data root (in the cache folder, so images survive between
#      runs), exec root and socket, --bridge=none --iptables=false --ip6tables=false: no bridge, no network
#      device, no firewall rule; containers use the host's network only;
#   3. builds the Keycloak image and the Node.js base image without any registry (.ci/container/);
#   4. runs the integration suite once through testcontainers (Ryuk disabled: every test removes its own);
#   5. runs `npm run demo`, whose launcher takes its Docker path;
#   6. brings docker-compose.yml + docker-compose.ci.yml up, proves the CLI client against the containers
#      (200 with the scope, 403 without) and one issuer on host and in containers, then takes it down;
#   7. on exit, success or failure: removes every container, stops the engine and its containerd, unmounts
#      what the engine left mounted, and checks that the host has the network devices it had before.
#
# Run alone: bash .ci/containers.sh (as root; needs `npm ci` done, as .ci/run does first).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source-path=SCRIPTDIR/.. source=.ci/container/lib.sh
source .ci/container/lib.sh

[[ $(id -u) == 0 ]] || die 'run as root: it installs packages and starts a Docker engine'
[[ -d node_modules/testcontainers ]] || die 'node_modules is missing: run npm ci first (.ci/run does)'

run_started=$SECONDS
step_name=''
step_started=$SECONDS
timings=()
checks_passed=0
checks_failed=0

end_step() {
  [[ -n $step_name ]] && timings+=("$(printf '  %-56s %5d s' "$step_name" "$((SECONDS - step_started))")")
  step_name=''
}
step() {
  end_step
  step_name=$1
  step_started=$SECONDS
  printf '\n=== containers: %s (%s, +%d s)\n' "$1" "$(date -u +%H:%M:%S)" "$((SECONDS - run_started))"
}
pass() {
  checks_passed=$((checks_passed + 1))
  printf '[container] ok: %s\n' "$*"
}
fail() {
  checks_failed=$((checks_failed + 1))
  die "$*"
}

cache=$(container_cache_dir)
data_root=$cache/docker
run_dir=/run/bearer-guard-docker
log_dir=$cache/logs
dockerd_pid=''
links_before=''

network_devices() { ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort; }

# The pid in a pid file, when that process is alive and its command line names our run folder (so it is one
# this script started, now or in a run that was killed before its cleanup).
our_pid() {
  local file=$1 pid
  [[ -s $file ]] || return 1
  pid=$(<"$file")
  [[ $pid =~ ^[0-9]+$ ]] && [[ -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -F "$run_dir" || return 1
  printf '%s\n' "$pid"
}

stop_pid() {
  local pid=$1 what=$2 waited=0
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null && ((waited < 30)); do
    sleep 1
    waited=$((waited + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "$what (pid $pid) still runs after 30 s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  say "$what (pid $pid) stopped"
}

# Stops an engine of ours and its containerd (and the shims of any container still running), unmounts
# what they leave mounted (the engine's network namespace file, overlay layers), removes the run folder.
stop_engine() {
  local pid
  if docker info >/dev/null 2>&1; then
    local ids
    ids=$(docker ps -aq)
    if [[ -n $ids ]]; then
      say "removing containers left in the engine: $(docker ps -a --format '{{.Names}}' | tr '\n' ' ')"
      # shellcheck disable=SC2086 # one id per word
      docker rm --force --volumes $ids >/dev/null || true
    fi
    docker image prune --force >/dev/null 2>&1 || true # untagged leftovers of rebuilt images
  fi
  if [[ -n $dockerd_pid ]] && kill -0 "$dockerd_pid" 2>/dev/null; then
    stop_pid "$dockerd_pid" dockerd
    wait "$dockerd_pid" 2>/dev/null || true
  elif pid=$(our_pid "$run_dir/dockerd.pid"); then
    stop_pid "$pid" 'dockerd of an earlier run'
  fi
  if pid=$(our_pid "$run_dir/exec/containerd/containerd.pid"); then stop_pid "$pid" containerd; fi
  # Shims of containers that were still running when an engine died (none after an orderly stop): a
  # containerd-shim whose command line names our containerd's socket.
  local proc
  for proc in /proc/[0-9]*; do
    [[ $(readlink "$proc/exe" 2>/dev/null) == */containerd-shim* ]] || continue
    if tr '\0' ' ' <"$proc/cmdline" 2>/dev/null | grep -q -F "$run_dir/exec/containerd/"; then
      stop_pid "${proc#/proc/}" 'containerd shim'
    fi
  done
  unmount_below "$run_dir"
  [[ -d $data_root ]] && unmount_below "$data_root"
  rm -rf --one-file-system "$run_dir"
  # dockerd makes an empty /run/docker/plugins wherever its exec root is: gone again if it was not there before.
  if [[ ${plugins_dir_made:-false} == true ]]; then rmdir /run/docker/plugins /run/docker 2>/dev/null || true; fi
}

cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  step 'cleanup: containers, engine, mounts'
  stop_engine
  local left
  left=$(awk -v r="$run_dir/" -v d="$data_root/" 'index($2 "/", r) == 1 || index($2 "/", d) == 1 { print $2 }' /proc/mounts)
  if [[ -n $left ]]; then
    say "still mounted: $left"
    ((rc == 0)) && rc=1
  fi
  if [[ -n $dockerd_pid ]] && kill -0 "$dockerd_pid" 2>/dev/null; then
    say "dockerd (pid $dockerd_pid) is still running"
    ((rc == 0)) && rc=1
  fi
  if [[ -n $links_before ]]; then
    local links_after
    links_after=$(network_devices)
    if [[ $links_after == "$links_before" ]]; then
      say "network devices as before: $(tr '\n' ' ' <<<"$links_after")"
    else
      say 'network devices differ from before the engine started (< before, > after):'
      diff <(printf '%s\n' "$links_before") <(printf '%s\n' "$links_after") >&2
      ((rc == 0)) && rc=1
    fi
  fi
  end_step
  printf '\n=== containers: timings\n'
  printf '%s\n' "${timings[@]}"
  printf '  %-56s %5d s\n' 'total (.ci/containers.sh)' "$((SECONDS - run_started))"
  ((rc == 0)) || say "FAILED (exit $rc): see the section above"
  printf 'containers: %d passed, %d failed\n' "$checks_passed" "$((checks_failed + (rc != 0 && checks_failed == 0)))"
  exit "$rc"
}

# ---------------------------------------------------------------------------------------------------------
step 'system packages (docker.io, docker-compose, debootstrap)'
missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v unzip >/dev/null || missing+=(unzip)
command -v mvn >/dev/null || missing+=(maven)
command -v curl >/dev/null || missing+=(curl)
command -v ip >/dev/null || missing+=(iproute2)
command -v flock >/dev/null || missing+=(util-linux)
if ((${#missing[@]})); then
  say "installing ${missing[*]}"
  apt-get update -qq
  # Packaged services (docker, containerd) must not start by themselves: this script runs the engine.
  made_policy=false
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    made_policy=true
  fi
  install_rc=0
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    >"/tmp/bearer-guard-apt.log" 2>&1 || install_rc=$?
  if $made_policy; then rm -f /usr/sbin/policy-rc.d; fi
  if ((install_rc != 0)); then
    tail -n 30 /tmp/bearer-guard-apt.log >&2
    die "apt-get install ${missing[*]} failed (exit $install_rc)"
  fi
fi
say "$(dockerd --version); $(docker --version) (client); $(docker-compose --version); debootstrap $(dpkg-query -W -f '${Version}' debootstrap)"

# ---------------------------------------------------------------------------------------------------------
step 'engine: own dockerd, --bridge=none, no iptables'
mkdir -p "$cache" "$log_dir"
# One run at a time per machine: a second one would share the data root. The engine must not inherit the lock.
exec 9>"$cache/containers.lock"
flock -n 9 || die "another .ci/containers.sh holds $cache/containers.lock"
unset DOCKER_HOST DOCKER_CONTEXT
if docker info >/dev/null 2>&1; then
  say 'note: a Docker engine already answers on the default socket; this run uses its own engine regardless'
else
  say 'no Docker engine answers on the default socket: the native path (earlier in .ci/run) ran without one'
fi
# From here on every docker command talks to this script's engine only (never to one on the default socket).
export DOCKER_HOST="unix://$run_dir/docker.sock"
# What a killed earlier run may have left: its engine (by pid file), mounts, the run folder.
stop_engine
links_before=$(network_devices)
say "network devices before: $(tr '\n' ' ' <<<"$links_before")"
help=$(dockerd --help 2>&1)
for flag in --data-root --exec-root --pidfile --host --bridge --iptables; do
  grep -q -- "$flag" <<<"$help" || die "this dockerd ($(dockerd --version)) has no $flag flag"
done
flags=(
  --data-root "$data_root" --exec-root "$run_dir/exec" --pidfile "$run_dir/dockerd.pid"
  --host "unix://$run_dir/docker.sock" --bridge=none --iptables=false
)
grep -q -- '--ip6tables' <<<"$help" && flags+=(--ip6tables=false)
mkdir -p "$data_root" "$run_dir"
plugins_dir_made=false
[[ -e /run/docker ]] || plugins_dir_made=true
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
say "dockerd ${flags[*]}"
# A session of its own: a Ctrl-C meant for the tests must not stop the engine before the trap can remove the
# containers through it (this shell has no job control, so setsid execs dockerd in place: $! is dockerd).
setsid dockerd "${flags[@]}" >"$log_dir/dockerd.log" 2>&1 9>&- &
dockerd_pid=$!
waited=0
until docker info >/dev/null 2>&1; do
  if ! kill -0 "$dockerd_pid" 2>/dev/null; then
    tail -n 30 "$log_dir/dockerd.log" >&2
    die 'dockerd exited before it answered'
  fi
  ((waited < 60)) || {
    tail -n 30 "$log_dir/dockerd.log" >&2
    die 'dockerd did not answer within 60 s'
  }
  sleep 1
  waited=$((waited + 1))
done
say "engine $(docker info --format '{{.ServerVersion}}, storage {{.Driver}}') answers on $DOCKER_HOST (pid $dockerd_pid, log $log_dir/dockerd.log)"
[[ $(<"$run_dir/dockerd.pid") == "$dockerd_pid" ]] || die "dockerd's pid file does not name pid $dockerd_pid"
stale=$(docker ps -aq)
if [[ -n $stale ]]; then
  say "removing containers an interrupted earlier run left in the data root: $(docker ps -a --format '{{.Names}}' | tr '\n' ' ')"
  # shellcheck disable=SC2086 # one id per word
  docker rm --force --volumes $stale >/dev/null
fi
networks=$(docker network ls --format '{{.Name}}' | sort | tr '\n' ' ')
[[ $networks == 'host none ' ]] || fail "the engine has networks other than host and none: $networks"
pass "engine up with networks host and none only, no bridge"

# ---------------------------------------------------------------------------------------------------------
step 'images: debootstrap + docker import, no registry'
bash .ci/container/build-keycloak-image.sh
bash .ci/container/build-node-image.sh
docker images --format '  {{.Repository}}:{{.Tag}}  {{.ID}}  {{.Size}}' | grep -v '<none>'
pass 'Keycloak and Node.js images present'

# ---------------------------------------------------------------------------------------------------------
step 'integration suite via testcontainers (host network)'
mkdir -p .cache
results=.cache/jest-containers.json
suite_log=.cache/jest-containers.log
rm -f "$results"
say 'path: testcontainers, image quay.io/keycloak/keycloak (the locally built one, present: nothing is pulled)'
suite_rc=0
KEYCLOAK_TEST_PATH=testcontainers TESTCONTAINERS_RYUK_DISABLED=true \
  node --experimental-vm-modules node_modules/jest/bin/jest.js --selectProjects integration --runInBand \
  --json --outputFile="$results" 2>&1 | tee "$suite_log" || suite_rc=$?
((suite_rc == 0)) || fail "the integration suite through testcontainers failed (jest exit $suite_rc)"
grep -q 'integration suite runs against Keycloak .* via testcontainers at http://127.0.0.1:' "$suite_log" ||
  fail 'the integration suite did not say it ran via testcontainers'
# shellcheck disable=SC2016 # JavaScript, not shell
node --input-type=module -e '
  import { readFileSync } from "node:fs";
  const r = JSON.parse(readFileSync(process.argv[1], "utf8"));
  const files = r.testResults.filter((t) => t.name.includes("/test/integration/"));
  const all = files.flatMap((t) => t.assertionResults);
  const passed = all.filter((a) => a.status === "passed").length;
  const onContainers = all.filter((a) => a.fullName.includes("(testcontainers)")).length;
  console.log(`[container] integration via testcontainers: ${files.length} files, ${passed} of ${all.length} passed, ${onContainers} in describes naming testcontainers`);
  if (!r.success || files.length === 0 || passed === 0 || passed !== all.length || onContainers === 0) process.exit(1);
' "$results" || fail 'the integration suite through testcontainers did not pass in full'
jest_passed=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).numPassedTests)' "$results")
left=$(docker ps -a --format '{{.Names}} ({{.Image}}, {{.Status}})')
[[ -z $left ]] || fail "the suite left containers behind: $left"
checks_passed=$((checks_passed + jest_passed))
pass "integration suite: $jest_passed tests passed through testcontainers; no container left behind"

# ---------------------------------------------------------------------------------------------------------
step "npm run demo via the launcher's Docker path"
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
demo_log=.cache/demo-docker.log
demo_rc=0
npm run -s demo 2>&1 | tee "$demo_log" || demo_rc=$?
((demo_rc == 0)) || fail "npm run demo failed with Docker (exit $demo_rc)"
grep -q 'a Docker engine answers' "$demo_log" || fail 'the demo did not take the Docker path'
grep -q 'Keycloak (docker) ready' "$demo_log" || fail 'the demo did not run Keycloak in a container'
left=$(docker ps -a --format '{{.Names}}')
[[ -z $left ]] || fail "the demo left containers behind: $left"
pass 'npm run demo with Docker: every route answered as expected; its container removed'

# ---------------------------------------------------------------------------------------------------------
step 'docker-compose up, client calls, down (host network)'
compose=(docker-compose --project-name bearer-guard-ci -f docker-compose.yml -f docker-compose.ci.yml)
issuer=http://localhost:8080/realms/myorg
api_url=http://127.0.0.1:50100
for port in 8080 50100; do
  ! port_busy "$port" || fail "port $port on 127.0.0.1 is taken: docker-compose.ci.yml needs it"
done
"${compose[@]}" config --quiet
say "${compose[*]} build api"
"${compose[@]}" build api
say "${compose[*]} up -d (the API starts once Keycloak's health check passes)"
compose_up=$SECONDS
"${compose[@]}" up -d
waited=0
until curl -fsS -o /dev/null "$api_url/api/public"; do
  ((waited < 60)) || {
    "${compose[@]}" logs --tail 30 >&2
    fail "the API container did not answer $api_url/api/public within 60 s"
  }
  sleep 1
  waited=$((waited + 1))
done
"${compose[@]}" ps
pass "compose up: Keycloak healthy and the API answering after $((SECONDS - compose_up)) s"

say "npm run client -- call $api_url/api/private-scoped --issuer $issuer"
out=$(npm run -s client -- call "$api_url/api/private-scoped" --issuer "$issuer" 2>&1) || {
  printf '%s\n' "$out"
  fail 'the client call with the scope failed'
}
printf '%s\n' "$out"
grep -q '^HTTP 200' <<<"$out" || fail 'expected 200 on /api/private-scoped with the scope'
pass 'token from the Keycloak container, API container answers 200 on /api/private-scoped'

say "npm run client -- call $api_url/api/private-scoped --issuer $issuer --scope ''"
code=0
out=$(npm run -s client -- call "$api_url/api/private-scoped" --issuer "$issuer" --scope '' 2>&1) || code=$?
printf '%s\n' "$out"
if ! grep -q '^HTTP 403' <<<"$out" || ! grep -q insufficient_scope <<<"$out" || ((code == 0)); then
  fail "expected 403 insufficient_scope (and a non-zero exit) without the scope, got exit $code"
fi
pass "without the scope: 403 insufficient_scope (client exit $code)"

# One issuer: a token fetched on the host, the discovery document and a token as the API container sees them
# (through its DISCOVERY_URL), and the API's ISSUER_URL all name the same issuer.
host_iss=$(npm run -s client -- token --decode --issuer "$issuer" 2>/dev/null |
  node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).claims.iss))')
api_container=$("${compose[@]}" ps -q api)
inside=$(docker exec -i "$api_container" node --input-type=module - <<'EOF'
const discovery = await (await fetch(`${process.env.DISCOVERY_URL}/.well-known/openid-configuration`)).json();
const response = await fetch(discovery.token_endpoint, {
  method: 'POST',
  headers: {
    authorization: `Basic ${Buffer.from('test_api_client:test_api_client_dev_secret').toString('base64')}`,
    'content-type': 'application/x-www-form-urlencoded',
  },
  body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'test_api_access' }),
});
const { access_token: token } = await response.json();
const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
console.log(JSON.stringify({ issuerUrl: process.env.ISSUER_URL, discoveryIssuer: discovery.issuer, tokenIss: claims.iss, token }));
EOF
)
read -r api_issuer discovery_issuer container_iss container_token < <(node -e '
  const x = JSON.parse(process.argv[1]);
  console.log(x.issuerUrl, x.discoveryIssuer, x.tokenIss, x.token);
' "$inside")
say "iss of a token fetched on the host:               $host_iss"
say "iss of a token fetched in the API container:      $container_iss"
say "issuer of discovery read in the API container:    $discovery_issuer"
say "the API container's ISSUER_URL:                   $api_issuer"
[[ $host_iss == "$issuer" && $container_iss == "$issuer" && $discovery_issuer == "$issuer" && $api_issuer == "$issuer" ]] ||
  fail "the issuer differs between host and containers"
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $container_token" "$api_url/api/private-scoped")
[[ $status == 200 ]] || fail "a token fetched inside the API container got $status from the API, not 200"
pass "one issuer on host and in containers ($issuer); a container-fetched token is accepted too"

say "${compose[*]} down"
"${compose[@]}" down --volumes --remove-orphans
left=$(docker ps -a --format '{{.Names}}')
[[ -z $left ]] || fail "compose down left containers: $left"
networks=$(docker network ls --format '{{.Name}}' | sort | tr '\n' ' ')
[[ $networks == 'host none ' ]] || fail "compose left networks behind: $networks"
pass 'compose down: no container, no network left'
