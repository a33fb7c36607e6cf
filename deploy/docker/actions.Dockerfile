# The action server and the outbox worker (same image, other command). It runs on Python 3.10 from
# requirements/rasa.lock, as in `make run` (rasa-sdk and the bot share that venv; there is no
# separate action-server lock yet). Non-root, read-only root filesystem (writes only to /tmp).
#   podman build -f deploy/docker/actions.Dockerfile -t lotse-actions .
# BASE: as in rasa.Dockerfile.
ARG BASE=docker.io/library/python:3.10-slim-bookworm
FROM ${BASE}
# Up to the pip install the same steps as rasa.Dockerfile: the two images share that layer.
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH
WORKDIR /app
COPY requirements/rasa.lock requirements/rasa.lock
# HOST_CA: a CA bundle mounted for the build only, where an egress proxy re-signs TLS (not kept in the image)
ARG HOST_CA=""
RUN if [ -n "$HOST_CA" ]; then export PIP_CERT="$HOST_CA"; fi; \
    python3 -m venv /opt/venv && pip install --no-deps -r requirements/rasa.lock
ENV HOME=/tmp/lotse LOTSE_VAR_DIR=/tmp/lotse LOTSE_ACTION_HOST=0.0.0.0 PYTHONPATH=/app
COPY bot/ bot/
# the NLU examples are read at run time too: the clarifying fallback's topic index, the text scrubber's vocabulary
COPY data/nlu/ data/nlu/
COPY actions/ actions/
COPY state_store/ state_store/
COPY settings/ settings/
RUN python -m compileall -q bot actions state_store >/dev/null
USER 10001:10001
EXPOSE 5055
HEALTHCHECK --interval=20s --timeout=5s CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:5055/health', timeout=4)"]
CMD ["python", "-m", "actions.server", "--port", "5055"]
