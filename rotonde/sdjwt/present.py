"""Holder side: choosing Disclosures and adding key binding (RFC 9901 §5.2, §4.3, §7.2).

The holder names the claims to show by claim path. Showing a claim shows everything needed to
reach it (the Disclosures of its ancestors, §7.2 step 2) and everything beneath it (the
Disclosures nested in its value). With a ``holder_key`` a KB-JWT is appended (§4.3): header
``typ`` ``kb+jwt``; claims ``iat``, ``aud``, ``nonce`` and ``sd_hash`` over the presentation
without the KB-JWT, hashed with the SD-JWT's ``_sd_alg``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rotonde.clock import Clock, SystemClock
from rotonde.errors import ConfigurationError, KeyFormatError, ParseError
from rotonde.jws import sign_compact
from rotonde.keys import Signer
from rotonde.sdjwt._paths import ClaimPath, Path, format_path, matches, normalize_all
from rotonde.sdjwt._process import process
from rotonde.sdjwt.disclosure import Disclosure, digest
from rotonde.sdjwt.parse import SdJwt, parse
from rotonde.sdjwt.verify import KB_TYP

__all__ = ["disclosable_paths", "present", "select_disclosures"]


def disclosable_paths(sd_jwt: str | SdJwt) -> list[str]:
    """Claim paths of every Disclosure the holder has (the choices a wallet offers)."""
    sd = sd_jwt if isinstance(sd_jwt, SdJwt) else parse(sd_jwt)
    processed = process(sd.payload, sd.disclosures, sd.sd_alg)
    return [format_path(p) for p, _, _ in processed.disclosed]


def select_disclosures(sd: SdJwt, disclose: Iterable[ClaimPath]) -> list[Disclosure]:
    """The Disclosures needed to show the claims at ``disclose``, in issuance order."""
    patterns = normalize_all(disclose)
    processed = process(sd.payload, sd.disclosures, sd.sd_alg, collect_paths=True)
    chosen: set[str] = set()
    by_path: dict[Path, str] = {p: dg for p, _, dg in processed.disclosed}
    for pattern in patterns:
        hits = [p for p in processed.paths if p and matches(pattern, p)]
        if not hits:
            raise ConfigurationError(
                "sdjwt.path_unknown",
                f"claim path {format_path(pattern)!r} is not in the credential",
                message_nl=f"claimpad {format_path(pattern)!r} staat niet in het bewijs",
                pointer=format_path(pattern),
            )
        for hit in hits:
            # the claim's own Disclosure and those of its ancestors
            for n in range(1, len(hit) + 1):
                dg = by_path.get(hit[:n])
                if dg is not None:
                    chosen.add(dg)
            # everything nested beneath it
            for path, dg in by_path.items():
                if len(path) > len(hit) and path[: len(hit)] == hit:
                    chosen.add(dg)
    return [d for d in sd.disclosures if digest(d.encoded, sd.sd_alg) in chosen]


def present(
    sd_jwt: str | SdJwt,
    *,
    disclose: Iterable[ClaimPath] = (),
    holder_key: Signer | None = None,
    nonce: str | None = None,
    aud: str | None = None,
    iat: int | None = None,
    clock: Clock | None = None,
) -> str:
    """Build a compact presentation showing ``disclose``; with ``holder_key`` an SD-JWT+KB.

    ``nonce`` and ``aud`` are required with a ``holder_key`` (RFC 9901 §4.3). The holder key
    must match ``cnf.jwk`` when the credential has one.
    """
    sd = sd_jwt if isinstance(sd_jwt, SdJwt) else parse(sd_jwt)
    if sd.kb_jwt is not None:
        raise ParseError(
            "sdjwt.already_presented",
            "input already carries a KB-JWT; present from the issued SD-JWT",
            message_nl="invoer heeft al een KB-JWT; presenteer vanuit de uitgegeven SD-JWT",
        )
    chosen = select_disclosures(sd, disclose)
    text = sd.issuer_jwt + "~" + "".join(d.encoded + "~" for d in chosen)
    if holder_key is None:
        return text
    if not nonce or not aud:
        raise ConfigurationError(
            "sdjwt.kb_params_missing", "key binding needs a nonce and an audience",
            message_nl="sleutelbinding heeft een nonce en een doelgroep (aud) nodig",
        )
    cnf = sd.payload.get("cnf")
    jwk = cnf.get("jwk") if isinstance(cnf, dict) else None
    if isinstance(jwk, dict):
        mine = holder_key.public_key.to_jwk()
        if any(jwk.get(k) != v for k, v in mine.items()):
            raise KeyFormatError(
                "sdjwt.holder_key_mismatch",
                "the holder key is not the key the credential is bound to (cnf.jwk)",
                message_nl="de houdersleutel is niet de sleutel waaraan het bewijs gebonden is",
                pointer="cnf.jwk",
            )
    claims: dict[str, Any] = {
        "iat": int((clock or SystemClock()).now()) if iat is None else iat,
        "aud": aud,
        "nonce": nonce,
        "sd_hash": digest(text, sd.sd_alg),
    }
    return text + sign_compact({"typ": KB_TYP}, claims, holder_key)
