#!/usr/bin/env bash
# mypy (config in pyproject.toml): strict on bot/ and backend/, basic on the rest of the code.
# One mypy (the backend venv's), two runs: the Rasa side is checked against the Rasa venv's packages
# and Python 3.10, the backend against its own and 3.11. Tests are not type-checked yet.
set -u
cd "$(dirname "$0")/.."
MYPY=.venv-backend/bin/mypy
status=0
echo "mypy: bot, actions, channels, conversation_store, state_store, insights, scripts, bench (Rasa venv, Python 3.10)"
MYPYPATH=scripts:bench "$MYPY" --python-executable .venv-rasa/bin/python --python-version 3.10 \
  bot actions channels conversation_store state_store insights scripts bench/latency.py bench/nlu_compare.py bench/spacy_tokenizer.py \
  bench/scaled.py bench/faults.py bench/processes.py \
  web/serve.py || status=1
echo "mypy: backend (backend venv, Python 3.11)"
"$MYPY" --python-version 3.11 backend bench/backend.py || status=1
exit $status
