# The widget and its demo page: web/serve.py (standard library) and the built widget (make setup
# builds web/dist). Non-root, read-only root filesystem.
#   podman build -f deploy/docker/web.Dockerfile -t lotse-web .
ARG BASE=docker.io/library/python:3.11-slim-bookworm
FROM ${BASE}
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY web/serve.py web/serve.py
COPY web/dist/ web/dist/
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=20s --timeout=5s CMD ["python3", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8080/', timeout=4)"]
CMD ["python3", "web/serve.py", "--host", "0.0.0.0", "--port", "8080", "--dir", "web/dist"]
