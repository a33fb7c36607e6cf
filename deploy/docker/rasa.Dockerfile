# The Rasa server (Python 3.10, Rasa 3.6 needs < 3.11) from requirements/rasa.lock, with the trained
# model (make model first); non-root, read-only root filesystem (writes only to /tmp).
#   podman build -f deploy/docker/rasa.Dockerfile -t lotse-rasa .
# BASE: any Debian-based image with python3 = 3.10 and its venv module: the registry's default, or
# deploy/docker/python310-base.sh's localhost/lotse-python310-base:bookworm (what scripts/check_images.sh builds on).
ARG BASE=docker.io/library/python:3.10-slim-bookworm
FROM ${BASE}
# Up to the pip install the same steps as actions.Dockerfile: the two images share that layer (the
# lock is installed once, and stored once).
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH
WORKDIR /app
COPY requirements/rasa.lock requirements/rasa.lock
# HOST_CA: a CA bundle mounted for the build only, where an egress proxy re-signs TLS (not kept in the image)
ARG HOST_CA=""
RUN if [ -n "$HOST_CA" ]; then export PIP_CERT="$HOST_CA"; fi; \
    python3 -m venv /opt/venv && pip install --no-deps -r requirements/rasa.lock
ENV HOME=/tmp/lotse LOTSE_VAR_DIR=/tmp/lotse PYTHONPATH=/app \
    RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 SQLALCHEMY_SILENCE_UBER_WARNING=1
COPY bot/ bot/
# the NLU examples are read at run time too: the clarifying fallback's topic index, the text scrubber's vocabulary
COPY data/nlu/ data/nlu/
COPY channels/ channels/
COPY conversation_store/ conversation_store/
COPY insights/ insights/
# the feedback facts that the channels post take the bot's backend token from actions/settings.py
COPY actions/ actions/
COPY state_store/ state_store/
COPY settings/ settings/
COPY scripts/stack.py scripts/nginx_config.py scripts/local_services.py scripts/
COPY deploy/docker/rasa-start.sh deploy/docker/rasa-start.sh
COPY credentials.yml endpoints.yml endpoints.production.yml config.yml domain.yml ./
RUN python -m compileall -q bot actions channels conversation_store insights state_store scripts >/dev/null
COPY models/lotse.tar.gz models/lotse.tar.gz
USER 10001:10001
EXPOSE 5005
HEALTHCHECK --interval=20s --timeout=5s --start-period=300s CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:5005/', timeout=4)"]
CMD ["sh", "deploy/docker/rasa-start.sh"]
