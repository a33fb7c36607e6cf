#!/usr/bin/env bash
# Issue 16 S7 on a machine without a container registry: a Debian bookworm base made by debootstrap
# (deploy/docker/debian-base.sh), then the images that base can carry — backend and web (Python 3.11) —
# built with podman from the lock files and started with a read-only root filesystem as user 10001;
# each must pass its own HEALTHCHECK, run inside the container. The rasa and actions images need Python 3.10, which bookworm does not
# have: they are built only with BASE=<a python:3.10 image> from a registry, so they are not built here.
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
"${PODMAN[@]}" image exists "$BASE" || bash deploy/docker/debian-base.sh
ca=()
[ -f /etc/ssl/certs/ca-certificates.crt ] && ca=(-v /etc/ssl/certs/ca-certificates.crt:/run/host-ca.crt:ro --build-arg HOST_CA=/run/host-ca.crt)

check() {  # name: build the image, start it with its own command, wait for its own HEALTHCHECK
  local name=$1
  "${PODMAN[@]}" build --quiet --format docker --network host "${LIMITS[@]}" "${ca[@]}" --build-arg BASE="$BASE" \
    -f "deploy/docker/$name.Dockerfile" -t "lotse-$name" . >/dev/null
  "${PODMAN[@]}" rm -f -t 0 "lotse-check-$name" >/dev/null 2>&1 || true
  # a network namespace of its own (no port clashes); the health check runs inside, on demand
  "${PODMAN[@]}" run -d --name "lotse-check-$name" --read-only --tmpfs /tmp --network none --health-interval disable \
    "${LIMITS[@]}" -e LOTSE_VAR_DIR=/tmp/var "lotse-$name" >/dev/null
  local healthy=1
  for _ in $(seq 1 60); do
    if "${PODMAN[@]}" healthcheck run "lotse-check-$name" >/dev/null 2>&1; then healthy=0; break; fi
    sleep 2
  done
  local user
  user=$("${PODMAN[@]}" exec "lotse-check-$name" id -u)
  "${PODMAN[@]}" exec "lotse-check-$name" sh -c 'touch /app/written 2>/dev/null' && healthy=1  # must be read-only
  "${PODMAN[@]}" rm -f -t 0 "lotse-check-$name" >/dev/null
  [ "$healthy" = 0 ] && [ "$user" = 10001 ] || { echo "lotse-$name: not healthy, not read-only or not user 10001"; return 1; }
  echo "lotse-$name: built; its HEALTHCHECK passes inside, as user $user, with a read-only root filesystem"
}

check backend
check web
echo "lotse-rasa, lotse-actions: not built here (Python 3.10 is not in Debian bookworm; see README)"
