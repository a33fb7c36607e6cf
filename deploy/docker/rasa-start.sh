#!/bin/sh
# The Rasa container's start: the channel credentials from the environment (only channels whose
# variables are all set), then the server on the production endpoints, as scripts/stack.py does.
set -eu
python scripts/stack.py credentials --var-dir "$LOTSE_VAR_DIR"
export SANIC_REQUEST_MAX_SIZE="${LOTSE_REQUEST_MAX_BYTES:-1000000}"
# shellcheck disable=SC2046  # one argument per allowed origin
exec rasa run --port 5005 --model models/lotse.tar.gz --credentials "$LOTSE_VAR_DIR/credentials.yml" \
  --endpoints "${LOTSE_ENDPOINTS:-endpoints.production.yml}" --logging-config-file settings/logging.yml \
  --cors $(echo "${LOTSE_ALLOWED_ORIGINS:-}" | tr ',' ' ')
