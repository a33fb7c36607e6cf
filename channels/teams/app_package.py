"""The Teams app package: `manifest.json` plus the two icons Teams requires, zipped for upload.

The icons are drawn here with the standard library (zlib/struct) and stored beside this file:
`color.png` 192×192 (full colour) and `outline.png` 32×32 (white on transparent), as Teams wants.
Usage: `python -m channels.teams.app_package --app-id <GUID> --public-url https://… --out var/lotse-teams.zip`
"""

import argparse
import json
import math
import re
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Callable, Tuple

PACKAGE_DIR = Path(__file__).resolve().parent
MANIFEST = PACKAGE_DIR / "manifest.json"
COLOR_ICON, OUTLINE_ICON = PACKAGE_DIR / "color.png", PACKAGE_DIR / "outline.png"
GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
Pixel = Tuple[int, int, int, int]
NAVY: Pixel = (16, 58, 99, 255)
WHITE: Pixel = (255, 255, 255, 255)
CLEAR: Pixel = (0, 0, 0, 0)


def png_bytes(size: int, pixel: Callable[[float, float], Pixel]) -> bytes:
    """A square RGBA PNG; `pixel(u, v)` gets coordinates from -1 to 1 with the origin in the middle."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = bytearray()
    for y in range(size):
        rows.append(0)  # filter type "none"
        for x in range(size):
            rows.extend(pixel((2 * x + 1) / size - 1, (2 * y + 1) / size - 1))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )


def _compass(u: float, v: float, ink: Pixel, paper: Pixel, ring: Tuple[float, float]) -> Pixel:
    """A ring with a four-pointed star inside: a pilot's ("Lotse") compass rose."""
    radius = math.hypot(u, v)
    in_ring = ring[0] <= radius <= ring[1]
    in_star = abs(u) ** 0.6 + abs(v) ** 0.6 <= ring[0] ** 0.6 * 0.95
    return ink if in_ring or in_star else paper


def color_icon() -> bytes:
    return png_bytes(192, lambda u, v: _compass(u, v, WHITE, NAVY, (0.62, 0.74)))


def outline_icon() -> bytes:
    return png_bytes(32, lambda u, v: _compass(u, v, WHITE, CLEAR, (0.70, 0.94)))


def manifest_for(app_id: str, public_url: str) -> str:
    if not GUID.match(app_id):
        raise ValueError("The Microsoft app id must be a GUID")
    if not public_url.startswith("https://"):
        raise ValueError("The public URL must be https")
    domain = public_url.split("/")[2]
    text = MANIFEST.read_text(encoding="utf-8")
    for placeholder, value in (
        ("MICROSOFT_APP_ID", app_id),
        ("PUBLIC_URL", public_url.rstrip("/")),
        ("PUBLIC_DOMAIN", domain),
    ):
        text = text.replace("{{" + placeholder + "}}", value)
    json.loads(text)
    return text


def build_app_package(app_id: str, public_url: str, destination: Path) -> Path:
    destination.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", manifest_for(app_id, public_url))
        package.write(COLOR_ICON, "color.png")
        package.write(OUTLINE_ICON, "outline.png")
    return destination


def main() -> None:
    parser = argparse.ArgumentParser(description="Build the Lotse Teams app package (zip for upload).")
    parser.add_argument("--app-id", required=True, help="the bot's Microsoft app id (GUID)")
    parser.add_argument("--public-url", required=True, help="https base URL of the Lotse website")
    parser.add_argument("--out", type=Path, default=Path("var/lotse-teams.zip"))
    parser.add_argument("--redraw-icons", action="store_true", help="rewrite color.png and outline.png")
    arguments = parser.parse_args()
    if arguments.redraw_icons:
        COLOR_ICON.write_bytes(color_icon())
        OUTLINE_ICON.write_bytes(outline_icon())
    print(build_app_package(arguments.app_id, arguments.public_url, arguments.out))


if __name__ == "__main__":
    main()
