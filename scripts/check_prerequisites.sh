#!/usr/bin/env bash
# Checks what the set-up cannot install itself, and says how to get what is missing.
set -u
missing=0
say() { echo "Missing prerequisite: $1" >&2; missing=1; }

command -v make >/dev/null || say "make — install it with: apt-get install -y make"
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  say "Python ≥ 3.11 as python3 (backend) — e.g. 'pyenv install 3.11' and list 3.11 first in .python-version"
fi
if ! python3.10 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
  say "Python 3.10 as python3.10 (Rasa 3.6 needs < 3.11) — e.g. 'pyenv install 3.10' (this repo's .python-version lists 3.11 and 3.10)"
fi
command -v node >/dev/null && command -v npm >/dev/null || say "Node.js with npm (widget build) — install it with: apt-get install -y nodejs npm"
exit $missing
