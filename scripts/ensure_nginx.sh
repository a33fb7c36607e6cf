#!/usr/bin/env bash
# The scaled profile's public entry is Debian's nginx, run by scripts/stack.py in the foreground with its
# own configuration under var/nginx/ (never the system service). Installs the package when missing.
set -eu
command -v nginx >/dev/null 2>&1 && exit 0
echo "Installing Debian's nginx for the scaled profile"
apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
