"""Plain text: bytes -> str, UTF-8 first, Windows-1252 or latin-1 with a warning; binary refused."""

from __future__ import annotations

from nlp.errors import ReadError


def decode(raw: bytes, name: str) -> tuple[str, list[str]]:
    """Bytes -> text. UTF-8 first; Windows-1252 (then latin-1) with a warning."""
    if not raw.strip():
        raise ReadError(name, "file is empty")
    head = raw[:8192]
    controls = sum(b < 9 or 13 < b < 32 for b in head)
    if b"\x00" in head or controls > len(head) * 0.05:
        raise ReadError(name, "file looks binary (control bytes found), not text")
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    for enc in ("cp1252", "latin-1"):
        try:
            return raw.decode(enc), [f"{name}: not valid UTF-8; decoded as {enc}"]
        except UnicodeDecodeError:
            continue
    raise ReadError(name, "could not decode text")  # unreachable: latin-1 decodes anything
