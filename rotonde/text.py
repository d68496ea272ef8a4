"""Text from credentials and requests, made safe to show to a person.

Claims, names and identifiers come from whoever built a credential. Unicode's directional
formatting characters (UAX #9 §2: the embeddings LRE/RLE, the overrides LRO/RLO and their
terminator PDF, the isolates LRI/RLI/FSI/PDI, and the implicit marks LRM/RLM/ALM) change the
order in which the characters *around* them are displayed, so "Metaalschool Oost" can be
made to read as something else than the bytes say, or one claim can appear to continue into
the next ("Trojan Source", CVE-2021-42574). :func:`display_text` removes them: what a reader
sees is the text in its logical order, exactly what was signed minus those controls.
"""

from __future__ import annotations

__all__ = ["BIDI_CONTROLS", "display_text"]

#: U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069.
BIDI_CONTROLS = frozenset(
    chr(c) for c in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
)
_DROP = dict.fromkeys(ord(c) for c in BIDI_CONTROLS)


def display_text(text: str) -> str:
    """``text`` without directional formatting characters (see the module docstring)."""
    return text.translate(_DROP)
