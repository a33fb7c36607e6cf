#!/usr/bin/env bash
# The Python 3.10 base of the rasa and actions images, without a registry: Debian bookworm has no
# Python 3.10, so this takes the debootstrap base (deploy/docker/debian-base.sh) and copies in a
# CPython 3.10 built on this machine (PYTHON310_PREFIX; by default the prefix of the python3.10 that
# `make setup` uses, here pyenv's /root/.pyenv/versions/3.10.13). Such a build, in a prefix of its own,
# relocates: it finds its prefix from the executable's place, and libpython3.10.so is found through
# /etc/ld.so.conf.d (its RUNPATH names the pyenv prefix). Left out: the test suite, IDLE, tkinter (Tk is
# not in the base), the static libpython and the interpreter's own site-packages (pip and setuptools
# come into each venv from ensurepip). The Containerfile checks every extension module's libraries
# and imports the standard modules as user 10001.
#   bash deploy/docker/python310-base.sh   (after debian-base.sh; needs podman)
# Exit 3 when there is no such interpreter on this machine, so that callers can say so.
set -euo pipefail
cd "$(dirname "$0")/../.."
PREFIX=${PYTHON310_PREFIX:-$(python3.10 -c 'import sys; print(sys.base_prefix)' 2>/dev/null || true)}
case "$PREFIX" in
  "" | / | /usr | /usr/local)  # none, or a distribution's Python: not a prefix of its own to copy
    echo "no CPython 3.10 in a prefix of its own (python3.10's prefix: '${PREFIX}'); install one, e.g. 'pyenv install 3.10', or set PYTHON310_PREFIX" >&2
    exit 3 ;;
esac
BASE=${BASE:-localhost/lotse-debian-base:bookworm}
TAG=localhost/lotse-python310-base:bookworm
if ! "$PREFIX/bin/python3.10" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
  echo "no CPython 3.10 at $PREFIX (PYTHON310_PREFIX: a CPython 3.10 built for Debian bookworm, e.g. by 'pyenv install 3.10')" >&2
  exit 3
fi
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
tar -C "$PREFIX" -c \
  --exclude=./lib/python3.10/test --exclude=./lib/python3.10/idlelib --exclude=./lib/python3.10/tkinter \
  --exclude=./lib/python3.10/turtledemo --exclude='./lib/python3.10/lib-dynload/_tkinter.*' \
  --exclude='./lib/python3.10/config-3.10-*/libpython3.10.a' --exclude='./lib/python3.10/site-packages/*' \
  --exclude='./bin/idle*' --exclude='./bin/pip*' --exclude='./bin/2to3*' . | tar -C "$stage" -x
podman --runtime runc build --quiet --format docker --network none --ulimit nofile=4096:4096 --ulimit nproc=4096:4096 \
  --build-arg BASE="$BASE" -f "$PWD/deploy/docker/python310-base.Dockerfile" -t "$TAG" "$stage"
