# The partners' backend (Python 3.11) from requirements/backend.lock; non-root, runs with a read-only
# root filesystem (writes only to /tmp). Build from the repository root:
#   podman build -f deploy/docker/backend.Dockerfile -t lotse-backend .
# BASE: any Debian-based image with python3.11 and its venv module (the default, or the debootstrap
# base of deploy/docker/debian-base.sh).
ARG BASE=docker.io/library/python:3.11-slim-bookworm
FROM ${BASE}
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH HOME=/tmp
WORKDIR /app
COPY requirements/backend.lock requirements/backend.lock
# HOST_CA: a CA bundle mounted for the build only, where an egress proxy re-signs TLS (not kept in the image)
ARG HOST_CA=""
RUN if [ -n "$HOST_CA" ]; then export PIP_CERT="$HOST_CA"; fi; \
    python3 -m venv /opt/venv && pip install --no-deps -r requirements/backend.lock
COPY backend/ backend/
COPY bot/knowledge/ bot/knowledge/
RUN python -m compileall -q backend /opt/venv >/dev/null
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=20s --timeout=5s CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/api/v1/health', timeout=4)"]
CMD ["python", "-m", "backend", "serve", "--host", "0.0.0.0", "--port", "8000"]
