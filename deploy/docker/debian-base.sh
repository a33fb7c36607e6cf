#!/usr/bin/env bash
# A base image without a registry: Debian bookworm made by debootstrap from Debian's mirror, with
# Python 3.11 and its venv module, imported into podman as localhost/lotse-debian-base.
# Python 3.10 (the Rasa and action images) is not in bookworm: deploy/docker/python310-base.sh adds a
# CPython 3.10 built on this machine to this base (or use the registry's python:3.10-slim-bookworm).
#   sudo bash deploy/docker/debian-base.sh   (needs debootstrap and podman from Debian's packages)
set -euo pipefail
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
debootstrap --variant=minbase --include=python3,python3-venv,python3-pip,ca-certificates bookworm "$rootfs" "$MIRROR"
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
tar -C "$rootfs" -c . | podman import --change 'CMD ["/bin/bash"]' - localhost/lotse-debian-base:bookworm
