"""Starts, watches and stops Lotse's processes: the one place that knows how the stack is wired.

`make run` calls `python3 scripts/stack.py run`; the end-to-end tests import `Stack` and start
the same processes with their own state folder. Standard library only (Python ≥ 3.10).
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Mapping, Optional

import local_services
import nginx_config

REPO = Path(__file__).resolve().parent.parent
RASA_BIN = REPO / ".venv-rasa" / "bin"
BACKEND_PYTHON = REPO / ".venv-backend" / "bin" / "python"
MODEL = REPO / "models" / "lotse.tar.gz"
# A loaded machine (several trainings or test stacks at once) needs longer than an idle one.
READY_TIMEOUT_SECONDS = float(os.environ.get("LOTSE_READY_TIMEOUT_SECONDS", "240"))
RETENTION_INTERVAL_SECONDS = 3600
ENV_REFERENCE = re.compile(r"\$\{([A-Z0-9_]+)\}")
OPTIONAL_REFERENCE = re.compile(r"\$\{([A-Z0-9_]+):-([^}]*)\}")  # a setting with a default, e.g. a provider's URL
STATUS_WEBHOOK_SECRET_FILE = "status-webhook-secret"
ACTION_SECRET_FILE = "action-secret"
INSIGHTS_SECRET_FILE = "insights-secret"
CLIENT_KEY_SECRET_FILE = "client-key-secret"
REQUEST_MAX_BYTES = 1_000_000  # the Rasa server's body limit (Sanic's default is 100 MB)


@dataclass(frozen=True)
class Ports:
    rasa: int = 5005
    actions: int = 5055
    backend: int = 8000
    web: int = 8080


@dataclass(frozen=True)
class Scale:
    """The scaled profile (issue 16 S3): N Rasa servers and M action servers behind nginx on one host.

    Ports, from the stack's `Ports`: nginx's public entry on `rasa`, its loopback entries on `actions`
    (action calls) and `rasa + 1` (status notices); Rasa server i on `rasa + 10 + i`, action server j on
    `actions + 10 + j`; the backend's API on `backend`, its delivery worker on `backend + 1`."""

    rasa_servers: int = 2
    action_servers: int = 2

    def rasa_ports(self, ports: Ports) -> List[int]:
        return [ports.rasa + 10 + i for i in range(1, self.rasa_servers + 1)]

    def action_ports(self, ports: Ports) -> List[int]:
        return [ports.actions + 10 + j for j in range(1, self.action_servers + 1)]


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    command: List[str]
    health_url: Optional[str]
    env: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Stack:
    var_dir: Path
    ports: Ports = Ports()
    profile: str = "dev"
    extra_env: Mapping[str, str] = field(default_factory=dict)
    scale: Optional[Scale] = None  # None: one process of each part (embedded or production profile)
    processes: Dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def log_dir(self) -> Path:
        return self.var_dir / "log"

    def environment(self) -> Dict[str, str]:
        origins = f"http://localhost:{self.ports.web},http://127.0.0.1:{self.ports.web}"
        env = {
            **os.environ,
            "LOTSE_VAR_DIR": str(self.var_dir),
            "LOTSE_PROFILE": self.profile,
            "LOTSE_BACKEND_URL": f"http://127.0.0.1:{self.ports.backend}",
            "LOTSE_ACTION_URL": f"http://127.0.0.1:{self.ports.actions}/webhook",
            "LOTSE_BOT_URL": f"http://127.0.0.1:{self.ports.rasa}",
            "LOTSE_ALLOWED_ORIGINS": os.environ.get("LOTSE_ALLOWED_ORIGINS", origins),
            "PYTHONPATH": str(REPO),
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "RASA_TELEMETRY_ENABLED": "false",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        }
        if self.scale:
            env.update(self.scaled_environment())
        env.update(self.extra_env)
        env.setdefault("LOTSE_STATUS_WEBHOOK_URL", f"http://127.0.0.1:{self.ports.rasa}/webhooks/status/webhook")
        if not env.get("LOTSE_STATUS_WEBHOOK_SECRET"):
            env["LOTSE_STATUS_WEBHOOK_SECRET"] = local_secret(self.var_dir / STATUS_WEBHOOK_SECRET_FILE)
        if not env.get("LOTSE_ACTION_SECRET"):
            env["LOTSE_ACTION_SECRET"] = local_secret(self.var_dir / ACTION_SECRET_FILE)
        if not env.get("LOTSE_INSIGHTS_SECRET"):
            env["LOTSE_INSIGHTS_SECRET"] = local_secret(self.var_dir / INSIGHTS_SECRET_FILE)
        if self.scale and not env.get("LOTSE_CLIENT_KEY_SECRET"):  # one client, one key on every Rasa server
            env["LOTSE_CLIENT_KEY_SECRET"] = local_secret(self.var_dir / CLIENT_KEY_SECRET_FILE)
        if self.profile == "production" and env.get("LOTSE_REDIS_HOST"):  # limits shared by every process
            redis = f"redis://{env['LOTSE_REDIS_HOST']}:{env.get('LOTSE_REDIS_PORT', '6379')}/2"
            env.setdefault("LOTSE_RATE_LIMIT_STORAGE", redis)
        return env

    @property
    def endpoints(self) -> str:
        return "endpoints.production.yml" if self.profile == "production" else "endpoints.yml"

    def specs(self) -> List[ProcessSpec]:
        if self.scale:
            return self.scaled_specs(self.scale)
        p = self.ports
        return [
            self.backend_spec("backend", p.backend),
            self.actions_spec("actions", p.actions),
            ProcessSpec("outbox", [str(RASA_BIN / "python"), "-m", "actions.outbox_worker"], None),
            *self.single_specs(),
            self.rasa_spec("rasa", p.rasa, interface="0.0.0.0"),
            self.web_spec(),
        ]

    def single_specs(self) -> List[ProcessSpec]:
        """The processes of which every profile runs exactly one."""
        insights_source = "rabbitmq" if self.profile == "production" else "sqlite"
        return [
            ProcessSpec("retention", ["bash", "-c", retention_loop(self.endpoints)], None),
            # conversation insights: the tracker store's new events (dev) or the RabbitMQ exchange (production)
            ProcessSpec("insights", [str(RASA_BIN / "python"), "-m", "insights", "--source", insights_source], None),
        ]

    def scaled_specs(self, scale: Scale) -> List[ProcessSpec]:
        p = self.ports
        actions = scale.action_ports(p)
        return [
            self.backend_spec("backend", p.backend, {"LOTSE_FORWARD_WORKER": "false"}),
            # the delivery worker: a backend process that serves no one but claims the delivery queue
            self.backend_spec("backend-worker", p.backend + 1, {"LOTSE_FORWARD_WORKER": "true"}),
            *(self.actions_spec(f"actions-{j}", port) for j, port in enumerate(actions, start=1)),
            *(
                ProcessSpec(f"outbox-{j}", [str(RASA_BIN / "python"), "-m", "actions.outbox_worker"], None)
                for j in range(1, len(actions) + 1)
            ),
            *self.single_specs(),
            *(
                self.rasa_spec(f"rasa-{i}", port, interface="127.0.0.1")
                for i, port in enumerate(scale.rasa_ports(p), start=1)
            ),
            self.web_spec(),
            ProcessSpec(
                "nginx",
                [
                    "nginx",
                    "-p",
                    str(self.nginx_dir),
                    "-c",
                    str(self.nginx_dir / "nginx.conf"),
                    "-e",
                    str(self.log_dir / "nginx-error.log"),
                    "-g",
                    "daemon off;",
                ],
                f"http://127.0.0.1:{p.rasa + 1}/nginx-health",
            ),
        ]

    def backend_spec(self, name: str, port: int, env: Optional[Mapping[str, str]] = None) -> ProcessSpec:
        return ProcessSpec(
            name,
            [str(BACKEND_PYTHON), "-m", "backend", "serve", "--host", "127.0.0.1", "--port", str(port)],
            f"http://127.0.0.1:{port}/api/v1/health",
            env or {},
        )

    def actions_spec(self, name: str, port: int) -> ProcessSpec:
        return ProcessSpec(
            name,
            [str(RASA_BIN / "python"), "-m", "actions.server", "--host", "127.0.0.1", "--port", str(port)],
            f"http://127.0.0.1:{port}/health",
        )

    def rasa_spec(self, name: str, port: int, interface: str) -> ProcessSpec:
        environment = self.environment()
        return ProcessSpec(
            name,
            [
                str(RASA_BIN / "rasa"),
                "run",
                "--interface",
                interface,
                "--port",
                str(port),
                "--model",
                str(MODEL),
                "--credentials",
                str(self.var_dir / "credentials.yml"),
                "--endpoints",
                self.endpoints,
                "--cors",
                *environment["LOTSE_ALLOWED_ORIGINS"].split(","),
                "--logging-config-file",
                "settings/logging.yml",
            ],
            f"http://127.0.0.1:{port}/",
            {"SANIC_REQUEST_MAX_SIZE": environment.get("LOTSE_REQUEST_MAX_BYTES", str(REQUEST_MAX_BYTES))},
        )

    def web_spec(self) -> ProcessSpec:
        p = self.ports
        return ProcessSpec(
            "web",
            [sys.executable, "web/serve.py", "--port", str(p.web), "--bot-url", f"http://localhost:{p.rasa}"],
            f"http://127.0.0.1:{p.web}/",
        )

    @property
    def nginx_dir(self) -> Path:
        return self.var_dir / "nginx"

    def scaled_environment(self) -> Dict[str, str]:
        """Every process reaches the others through nginx's entries; the Rasa servers and the backend
        believe X-Forwarded-For from nginx only (loopback)."""
        p = self.ports
        public = f"http://localhost:{p.rasa},http://127.0.0.1:{p.rasa}"
        return {
            "LOTSE_ALLOWED_ORIGINS": os.environ.get("LOTSE_ALLOWED_ORIGINS", public),
            "LOTSE_STATUS_WEBHOOK_URL": f"http://127.0.0.1:{p.rasa + 1}/webhooks/status/webhook",
            "LOTSE_TRUSTED_PROXIES": os.environ.get("LOTSE_TRUSTED_PROXIES", "127.0.0.1/32"),
        }

    def write_nginx_config(self, scale: Scale) -> Path:
        environment = self.environment()
        p = self.ports
        return nginx_config.write(
            nginx_config.Upstreams(scale.rasa_ports(p), scale.action_ports(p), p.backend, p.web),
            nginx_config.Entries(
                public=p.rasa,
                public_interface=environment.get("LOTSE_PUBLIC_INTERFACE", "0.0.0.0"),
                actions=p.actions,
                status=p.rasa + 1,
            ),
            nginx_config.Limits(
                body_bytes=int(environment.get("LOTSE_REQUEST_MAX_BYTES", str(REQUEST_MAX_BYTES))),
                requests_per_second=int(
                    environment.get("LOTSE_PROXY_RATE_PER_SECOND", str(nginx_config.DEFAULT_REQUESTS_PER_SECOND))
                ),
                burst=int(environment.get("LOTSE_PROXY_BURST", str(nginx_config.DEFAULT_BURST))),
            ),
            self.nginx_dir,
            self.log_dir,
        )

    def migrate_backend(self) -> None:
        """Once before the backend's processes start, as a deployment's migration job: two processes
        migrating the same PostgreSQL database at once could collide."""
        with open(self.log_dir / "backend-migrate.log", "ab") as log:
            done = subprocess.run(
                [str(BACKEND_PYTHON), "-m", "backend", "migrate"],
                cwd=REPO,
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        if done.returncode != 0:
            raise StackError(f"backend migrate failed; see {self.log_dir / 'backend-migrate.log'}")

    def start(self, only: Optional[List[str]] = None) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        write_channel_credentials(REPO / "credentials.yml", self.var_dir / "credentials.yml", self.environment())
        if self.scale:
            self.write_nginx_config(self.scale)
            self.migrate_backend()
        for spec in self.specs():
            if only is None or spec.name in only:
                self.start_process(spec)

    def start_process(self, spec: ProcessSpec) -> None:
        log = open(self.log_dir / f"{spec.name}.log", "ab")
        self.processes[spec.name] = subprocess.Popen(
            spec.command,
            cwd=REPO,
            env={**self.environment(), **spec.env},
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

    def spec(self, name: str) -> ProcessSpec:
        return next(spec for spec in self.specs() if spec.name == name)

    def wait_until_ready(self, timeout: float = READY_TIMEOUT_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        pending = [spec for spec in self.specs() if spec.health_url and spec.name in self.processes]
        while pending:
            self.raise_if_exited()
            pending = [spec for spec in pending if not is_healthy(spec.health_url or "")]
            if pending and time.monotonic() > deadline:
                names = ", ".join(spec.name for spec in pending)
                raise StackError(f"not ready after {timeout:.0f} s: {names} (see {self.log_dir})")
            time.sleep(0.5)

    def raise_if_exited(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise StackError(f"{name} exited with code {process.returncode}; see {self.log_dir / name}.log")

    def stop_process(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def stop(self) -> None:
        for name in reversed(list(self.processes)):
            self.stop_process(name)

    @contextmanager
    def running(self, only: Optional[List[str]] = None) -> Iterator["Stack"]:
        try:
            self.start(only)
            self.wait_until_ready()
            yield self
        finally:
            self.stop()


@contextmanager
def scaled_on_throwaway_databases(
    var_dir: Path, ports: Ports, scale: Scale, prefix: str, extra_env: Mapping[str, str]
) -> Iterator[Stack]:
    """The scaled profile on fresh databases of this host's PostgreSQL and its own insights queue, both
    removed afterwards: for the end-to-end test and the benchmark."""
    suffix = secrets.token_hex(4)
    services = local_services.prepare(f"{prefix}_{suffix}", var_dir, {})
    queue = f"{prefix}-insights-{suffix}".replace("_", "-")
    env = {**services, "LOTSE_INSIGHTS_QUEUE": queue, **extra_env}
    try:
        with Stack(var_dir=var_dir, ports=ports, profile="production", extra_env=env, scale=scale).running() as stack:
            yield stack
    finally:
        local_services.delete_queue(queue)
        local_services.drop_databases(services)


def retention_loop(endpoints: str) -> str:
    """Hourly: the backend's retention, then the conversations' (both delete personal data past their period)."""
    conversations = f"'{RASA_BIN / 'python'}' -m conversation_store.retention --endpoints {endpoints}"
    return (
        f"while sleep {RETENTION_INTERVAL_SECONDS}; do '{BACKEND_PYTHON}' -m backend retention; {conversations}; done"
    )


class StackError(RuntimeError):
    pass


def local_secret(path: Path) -> str:
    """A random secret kept in the state folder (mode 600), made on first use: the backend signs
    its status notices with it and the Rasa server checks them; the Rasa server presents another to the
    action server."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(secrets.token_urlsafe(32))
    return path.read_text(encoding="utf-8").strip()


def is_healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return answer.status == 200
    except (urllib.error.URLError, OSError):
        return False


def write_channel_credentials(template: Path, target: Path, environ: Mapping[str, str]) -> List[str]:
    """Copies each channel section of the template whose `${VARIABLES}` are all set; returns their names.

    A channel without credentials is thus simply not started."""
    sections = split_sections(template.read_text(encoding="utf-8"))
    kept = {name: body for name, body in sections.items() if all(v in environ for v in ENV_REFERENCE.findall(body))}
    for name, body in sections.items():
        if name not in kept and any(v in environ for v in ENV_REFERENCE.findall(body)):
            missing = [v for v in ENV_REFERENCE.findall(body) if v not in environ]
            print(f"Channel {name} not started: {', '.join(missing)} not set", file=sys.stderr)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("".join(with_optional_values(body, environ) for body in kept.values()), encoding="utf-8")
    return list(kept)


def with_optional_values(body: str, environ: Mapping[str, str]) -> str:
    """`${NAME:-default}` becomes the variable's value, or the default when it is unset or empty.
    Only for settings that are no secrets (they are written to the file); secrets stay `${NAME}`."""
    return OPTIONAL_REFERENCE.sub(lambda match: environ.get(match.group(1)) or match.group(2), body)


def split_sections(text: str) -> Dict[str, str]:
    sections: Dict[str, str] = {}
    current = None
    for line in text.splitlines(keepends=True):
        if line.strip().startswith("#") or not line.strip():
            continue
        if not line.startswith((" ", "\t")):
            current = line.split(":", 1)[0].strip()
            sections[current] = ""
        if current is not None:
            sections[current] += line
    return sections


def run(stack: Stack) -> int:
    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        stack.start()
        stack.wait_until_ready()
        if stack.scale:
            print_scaled_urls(stack)
        else:
            print_urls(stack.ports)
        print("Lotse ready", flush=True)
        while True:
            stack.raise_if_exited()
            time.sleep(1)
    except KeyboardInterrupt:
        print("\nStopping Lotse …", flush=True)
        return 0
    except StackError as error:
        print(f"Lotse could not start: {error}", file=sys.stderr, flush=True)
        return 1
    finally:
        stack.stop()


def print_scaled_urls(stack: Stack) -> None:
    print(f"  nginx, the one public entry  http://localhost:{stack.ports.rasa}/  (widget, /webhooks/rest/, /staff/)")
    print(f"  nginx's access log           {stack.log_dir / 'nginx-access.log'}")


def print_urls(ports: Ports) -> None:
    print(f"  Widget demo page   http://localhost:{ports.web}/")
    print(f"  Bot (REST channel) http://localhost:{ports.rasa}/webhooks/rest/webhook")
    print(f"  Action server      http://localhost:{ports.actions}/health")
    print(f"  Partners' backend  http://localhost:{ports.backend}/api/v1/health")
    print(f"  Dev credentials    {REPO / 'var' / 'dev-credentials.json'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=["run", "credentials"], help="credentials: only write <var>/credentials.yml")
    parser.add_argument("--profile", choices=["dev", "production"], default=os.environ.get("LOTSE_PROFILE", "dev"))
    parser.add_argument("--var-dir", type=Path, default=Path(os.environ.get("LOTSE_VAR_DIR", REPO / "var")))
    parser.add_argument(
        "--scaled",
        action="store_true",
        help="the scaled profile: production stores (this host's services for unset variables), nginx on the port of Rasa",
    )
    parser.add_argument("--rasa-servers", type=int, default=Scale.rasa_servers, help="with --scaled (default 2)")
    parser.add_argument("--action-servers", type=int, default=Scale.action_servers, help="with --scaled (default 2)")
    args = parser.parse_args()
    var_dir = args.var_dir.resolve()
    if args.command == "credentials":  # a Rasa container's start (deploy/docker/rasa.Dockerfile)
        write_channel_credentials(REPO / "credentials.yml", var_dir / "credentials.yml", os.environ)
        return 0
    if not args.scaled:
        return run(Stack(var_dir=var_dir, profile=args.profile))
    scale = Scale(rasa_servers=args.rasa_servers, action_servers=args.action_servers)
    services = local_services.prepare("lotse_scaled", var_dir, os.environ)
    return run(Stack(var_dir=var_dir, profile="production", extra_env=services, scale=scale))


if __name__ == "__main__":
    sys.exit(main())
