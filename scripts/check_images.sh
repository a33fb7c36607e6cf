#!/usr/bin/env bash
# Issue 16 S7 on a machine without a container registry: every image of deploy/docker/ built with podman
# from the lock files and started with a read-only root filesystem as user 10001; each must pass its own
# HEALTHCHECK, run inside the container, and the rasa image must answer a question through the action
# server's image (both in one network namespace, as in a pod).
# Bases, made here: Debian bookworm by debootstrap (deploy/docker/debian-base.sh) with Debian's Python 3.11
# for backend and web; for rasa and actions (Python 3.10, which bookworm lacks) that base plus the
# CPython 3.10 built on this machine by pyenv (deploy/docker/python310-base.sh, PYTHON310_PREFIX).
# Without that interpreter, or without models/lotse.tar.gz for rasa, those images are not built and this
# check fails, saying why: an image that was not built is never reported as working.
# podman runs containers with runc and lowered rlimits: this sandbox's crun refuses hybrid cgroups and
# processes here may not raise rlimits. Without systemd podman logs that it cannot set up health-check
# timers; the checks are run on demand instead (`podman healthcheck run`).
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
for tool in podman runc debootstrap; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc debootstrap uidmap >/dev/null
fi
PODMAN=(podman --runtime runc)
LIMITS=(--ulimit nofile=4096:4096 --ulimit nproc=4096:4096)
BASE=localhost/lotse-debian-base:bookworm
PYTHON310_BASE=localhost/lotse-python310-base:bookworm
"${PODMAN[@]}" image exists "$BASE" || bash deploy/docker/debian-base.sh
ca=()
[ -f /etc/ssl/certs/ca-certificates.crt ] && ca=(-v /etc/ssl/certs/ca-certificates.crt:/run/host-ca.crt:ro --build-arg HOST_CA=/run/host-ca.crt)
declare -A built  # seconds each build took

build() {  # name base
  local started=$SECONDS
  "${PODMAN[@]}" build --quiet --format docker --network host "${LIMITS[@]}" "${ca[@]}" --build-arg BASE="$2" \
    -f "deploy/docker/$1.Dockerfile" -t "lotse-$1" . >/dev/null
  built[$1]=$((SECONDS - started))
}

start() {  # name network [VAR=value...]: the image's own command, its own network namespace or another's
  local name=$1 network=$2 env=(-e LOTSE_VAR_DIR=/tmp/var)
  shift 2
  for setting in "$@"; do env+=(-e "$setting"); done
  "${PODMAN[@]}" rm -f -t 0 "lotse-check-$name" >/dev/null 2>&1 || true
  "${PODMAN[@]}" run -d --name "lotse-check-$name" --read-only --tmpfs /tmp --network "$network" \
    --health-interval disable "${LIMITS[@]}" "${env[@]}" "lotse-$name" >/dev/null
}

healthy() {  # name seconds: its HEALTHCHECK passes within that time, as user 10001, and / is read-only
  local name=$1 started=$SECONDS
  while [ $((SECONDS - started)) -lt "$2" ]; do
    if "${PODMAN[@]}" healthcheck run "lotse-check-$name" >/dev/null 2>&1; then
      local ready=$((SECONDS - started)) user size
      user=$("${PODMAN[@]}" exec "lotse-check-$name" id -u)
      if "${PODMAN[@]}" exec "lotse-check-$name" sh -c 'touch /app/written 2>/dev/null'; then
        echo "lotse-$name: its root filesystem is writable"
        return 1
      fi
      [ "$user" = 10001 ] || { echo "lotse-$name: runs as user $user, not 10001"; return 1; }
      size=$("${PODMAN[@]}" image inspect -f '{{.Size}}' "lotse-$name")
      echo "lotse-$name: built (${built[$name]} s, $((size / 1000000)) MB); its HEALTHCHECK passes inside after ${ready} s, as user $user, with a read-only root filesystem"
      return 0
    fi
    [ "$("${PODMAN[@]}" inspect -f '{{.State.Running}}' "lotse-check-$name")" = true ] || break
    sleep 2
  done
  "${PODMAN[@]}" logs "lotse-check-$name" 2>&1 | grep -v systemd | tail -n 20 | sed "s/^/  lotse-$name: /"
  echo "lotse-$name: not healthy within $2 s"
  return 1
}

imports() {  # name package...: every module of these packages imports inside (a directory the Dockerfile forgot)
  local name=$1
  shift
  "${PODMAN[@]}" exec "lotse-check-$name" python -W ignore -c '
import importlib, pkgutil, sys
for package in sys.argv[1:]:
    for module in pkgutil.walk_packages(importlib.import_module(package).__path__, package + "."):
        if not module.name.endswith(".__main__"):
            importlib.import_module(module.name)' "$@" >/dev/null 2>&1 && return 0
  echo "lotse-$name: not every module of $* imports inside the image"
  return 1
}

stop() { for name in "$@"; do "${PODMAN[@]}" rm -f -t 0 "lotse-check-$name" >/dev/null 2>&1 || true; done; }
trap 'stop rasa actions backend web' EXIT  # also when a build fails (set -e)

failed=0
for name in backend web; do
  build "$name" "$BASE"
  start "$name" none
  healthy "$name" 120 || failed=1
  stop "$name"
done

# rasa and actions: Python 3.10 from this machine's pyenv build (exit 3: there is none)
python310=0
bash deploy/docker/python310-base.sh >/dev/null || python310=$?
if [ "$python310" != 0 ]; then
  [ "$python310" = 3 ] && why="no CPython 3.10 to make their base from (see above; PYTHON310_PREFIX)" \
    || why="their Python 3.10 base failed to build (deploy/docker/python310-base.sh)"
  echo "lotse-rasa, lotse-actions: NOT BUILT: $why"
  exit 1
fi
secret=(LOTSE_ACTION_SECRET=image-check)
build actions "$PYTHON310_BASE"
start actions none "${secret[@]}"
healthy actions 120 && imports actions actions bot state_store || failed=1
if [ ! -f models/lotse.tar.gz ]; then
  echo "lotse-rasa: NOT BUILT: it carries the trained model, and models/lotse.tar.gz is missing (make model)"
  exit 1
fi
build rasa "$PYTHON310_BASE"
# in the action server's network namespace; the embedded endpoints (SQLite under /tmp): the production
# ones need PostgreSQL, Redis and RabbitMQ, which this check does not start
start rasa container:lotse-check-actions "${secret[@]}" LOTSE_ENDPOINTS=endpoints.yml \
  LOTSE_ACTION_URL=http://127.0.0.1:5055/webhook
if healthy rasa 600 && imports rasa bot actions channels conversation_store insights state_store; then
  # a topic answer comes from the action server (action_answer_topic): without it the reply is empty
  question='Was kostet das beschleunigte Fachkräfteverfahren?'
  if answer=$("${PODMAN[@]}" exec lotse-check-rasa python -c '
import json, sys, urllib.request
body = json.dumps({"sender": "image-check", "message": sys.argv[1]}).encode()
request = urllib.request.Request("http://127.0.0.1:5005/webhooks/rest/webhook", body, {"Content-Type": "application/json"})
texts = [message.get("text", "") for message in json.load(urllib.request.urlopen(request, timeout=60))]
print(" ".join(texts)[:80] if any(texts) else "")' "$question") && [ -n "$answer" ]; then
    echo "lotse-rasa + lotse-actions: '$question' answered through the action server: '$answer…'"
  else
    echo "lotse-rasa + lotse-actions: no answer to '$question'"
    "${PODMAN[@]}" logs lotse-check-rasa 2>&1 | grep -v systemd | tail -n 20 | sed 's/^/  lotse-rasa: /'
    failed=1
  fi
else
  failed=1
fi
exit "$failed"
