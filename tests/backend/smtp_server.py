"""A real SMTP server on a loopback port for the forwarding tests: STARTTLS with a throw-away
certificate (made by openssl) and AUTH PLAIN, recording what it receives. `starttls=False` stands in
for a server that offers no encryption."""

import base64
import socketserver
import ssl
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class SmtpServer:
    port: int
    ca_file: str
    messages: list[bytes] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)


def make_certificate(folder: Path) -> tuple[Path, Path]:
    certificate, key = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(certificate)],
        check=True,
        capture_output=True,
    )
    return certificate, key


@contextmanager
def smtp_server(folder: Path, starttls: bool = True) -> Iterator[SmtpServer]:
    certificate, key = make_certificate(folder)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificate, key)
    server_state = SmtpServer(0, str(certificate))

    class Handler(socketserver.StreamRequestHandler):
        encrypted = False
        logged_in = False

        def _reply(self, line: str) -> None:
            self.wfile.write(line.encode() + b"\r\n")

        def handle(self) -> None:
            self._reply("220 test")
            while line := self.rfile.readline():
                command = line.decode().strip()
                verb = command.split(" ", 1)[0].upper()
                if verb in ("EHLO", "HELO"):
                    extensions = ["AUTH PLAIN"] if self.encrypted else (["STARTTLS"] if starttls else [])
                    lines = ["test", *extensions]
                    for position, text in enumerate(lines):
                        self._reply(f"250{'-' if position < len(lines) - 1 else ' '}{text}")
                elif verb == "STARTTLS" and starttls:
                    self._reply("220 go ahead")
                    self.connection = context.wrap_socket(self.connection, server_side=True)
                    self.rfile, self.wfile = self.connection.makefile("rb"), self.connection.makefile("wb", buffering=0)
                    self.encrypted = True
                elif verb == "AUTH" and self.encrypted:
                    user, password = base64.b64decode(command.split()[2]).split(b"\0")[1:]
                    server_state.logins.append((user.decode(), password.decode()))
                    self.logged_in = True
                    self._reply("235 ok")
                elif verb == "DATA":
                    if not self.logged_in:
                        self._reply("530 authentication required")
                        continue
                    self._reply("354 go on")
                    server_state.messages.append(self._data())
                    self._reply("250 stored")
                elif verb == "QUIT":
                    self._reply("221 bye")
                    return
                else:
                    self._reply("250 ok")

        def _data(self) -> bytes:
            lines = []
            while (line := self.rfile.readline()) not in (b".\r\n", b""):
                lines.append(line)
            return b"".join(lines)

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server_state.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server_state
    finally:
        server.shutdown()
        server.server_close()
