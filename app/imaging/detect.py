"""What is this file? Decided from its first bytes, never from its name or browser type."""

JPEG, PNG, HEIC = "jpeg", "png", "heic"
ACCEPTED = (JPEG, PNG, HEIC)

# HEIF brands for HEVC-coded stills. AVIF shares the box structure (and `mif1`), so a
# file is HEIC only when one of these brands is listed, not merely because it has `ftyp`.
_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"}

SNIFF_BYTES = 64  # enough for every signature below


def _ftyp_brands(head):
    if len(head) < 16 or head[4:8] != b"ftyp":
        return set()
    size = int.from_bytes(head[0:4], "big")
    end = min(size, len(head)) if size >= 16 else len(head)
    brands = {head[8:12]}
    brands.update(head[i : i + 4] for i in range(16, end - 3, 4))
    return brands


def sniff(head):
    """Return 'jpeg', 'png' or 'heic' for accepted content, else None."""
    if head[:3] == b"\xff\xd8\xff":
        return JPEG
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return PNG
    brands = _ftyp_brands(head)
    if brands & _HEIC_BRANDS:
        return HEIC
    return None


def describe(head):
    """Name what a refused file looks like, for a friendlier message ('a PDF', 'a GIF')."""
    signatures = [
        (b"%PDF", "a PDF"),
        (b"GIF8", "a GIF"),
        (b"II*\x00", "a TIFF"),
        (b"MM\x00*", "a TIFF"),
        (b"\xd0\xcf\x11\xe0", "an Office document"),
        (b"PK\x03\x04", "a ZIP or Office file"),
    ]
    for magic, name in signatures:
        if head.startswith(magic):
            return name
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "a WebP image"
    if b"avif" in _ftyp_brands(head) or b"avis" in _ftyp_brands(head):
        return "an AVIF image"
    if head.lstrip()[:5] in (b"<?xml", b"<svg ") or b"<svg" in head:
        return "an SVG drawing"
    return None
