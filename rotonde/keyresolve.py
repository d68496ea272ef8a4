"""Finding the issuer's public key for a JWT, SD-JWT VC or status list token.

Rules (SD-JWT VC draft §3.5 "Issuer Verification Key", JWT VC Issuer Metadata §3-§5; DID Core §7):

* ``options.issuer_key``, when given, is used as is (the caller vouches for it).
* ``kid`` that is a DID URL: its DID must be ``iss`` when ``iss`` is a DID
  (``key.not_authorised`` otherwise); the method must be in ``assertionMethod``.
* ``iss`` a DID and ``kid`` a bare fragment (``#key-1`` or ``key-1``): ``iss#fragment``.
* ``iss`` a DID without ``kid``: its single ``assertionMethod`` key (``did:jwk``: ``#0``).
* No ``iss`` and ``kid`` a DID URL: the issuer is that DID — the subject of the document that
  authorises the key (SD-JWT VC "Registered JWT Claims": ``iss`` is OPTIONAL when the issuer
  is conveyed by other means; "Issuer Signature Mechanisms": a key that cannot be tied to the
  issuer means the credential is rejected).
* Every DID method's ``controller`` must be the issuer's DID (``key.not_authorised``), as a
  Data Integrity proof's method must be controlled by the issuer (VCDM 2.0 §4.7 ``issuer``,
  VC Data Integrity 1.0 §4.4).
* ``iss`` an ``https`` URL: JWT VC Issuer Metadata at ``https://host/.well-known/jwt-vc-issuer``
  + the issuer's path; its ``issuer`` must equal ``iss``; ``jwks`` inline or ``jwks_uri``; the key
  is chosen by ``kid`` (or the single key when there is no ``kid``).
* A ``jwk`` header on its own is never trusted (``key.untrusted_header_key``); ``x5c`` is not
  supported.

:func:`find_issuer_key` returns the key with the issuer it proves; :func:`resolve_issuer_key`
only the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from rotonde._urls import split_url
from rotonde.did.methods import DidResolver, retrieve_method
from rotonde.errors import FetchError, KeyFormatError, RotondeError, SignatureError
from rotonde.http import Fetcher
from rotonde.keys import PublicKey, public_key_from_jwk

__all__ = ["KeySources", "ResolvedIssuer", "find_issuer_key", "issuer_metadata_url",
           "resolve_issuer_key", "resolver_for"]

_META_TYPES = ("application/json",)
_JWKS_TYPES = ("application/jwk-set+json", "application/json")


def _unresolvable(message: str, message_nl: str) -> KeyFormatError:
    return KeyFormatError("key.unresolvable", message, message_nl=message_nl)


class KeySources(Protocol):
    """Where issuer keys come from (:class:`rotonde.verify.VerifyOptions` is one)."""

    @property
    def issuer_key(self) -> PublicKey | None: ...

    @property
    def resolver(self) -> DidResolver | None: ...

    @property
    def fetcher(self) -> Fetcher | None: ...


def resolver_for(options: KeySources) -> DidResolver | None:
    """``options.resolver``; else a :class:`rotonde.did.Resolver` over ``options.fetcher``;
    else ``None``: the shared offline ``did:key``/``did:jwk`` resolver of
    :func:`rotonde.did.methods.retrieve_method`."""
    if options.resolver is not None:
        return options.resolver
    if options.fetcher is None:
        return None
    from rotonde.did.resolver import Resolver

    return Resolver(fetcher=options.fetcher)


def issuer_metadata_url(iss: str) -> str:
    """``/.well-known/jwt-vc-issuer`` inserted between host and path (JWT VC Issuer Metadata §4)."""
    parts = split_url(iss)
    if parts.scheme != "https" or not parts.netloc or parts.query or parts.fragment:
        raise _unresolvable(
            f"issuer {iss!r} is not an https URL without query or fragment",
            f"uitgever {iss!r} is geen https-URL zonder query of fragment",
        )
    path = parts.path.rstrip("/")
    return f"https://{parts.netloc}/.well-known/jwt-vc-issuer{path}"


@dataclass(frozen=True)
class ResolvedIssuer:
    """The key that must have signed a token, and the issuer that key proves.

    ``issuer`` is ``iss``, or — without ``iss`` — the DID whose document authorises ``kid``;
    ``None`` only when the caller pinned the key (``options.issuer_key``) and the token names
    no issuer."""

    key: PublicKey
    issuer: str | None


def resolve_issuer_key(iss: str | None, header: dict[str, Any], options: KeySources) -> PublicKey:
    """The public key that must have signed a token from ``iss`` with this JOSE ``header``."""
    return find_issuer_key(iss, header, options).key


def find_issuer_key(iss: str | None, header: dict[str, Any], options: KeySources,
                    ) -> ResolvedIssuer:
    """The issuer's key for a token from ``iss`` with this JOSE ``header``, and the issuer
    it proves (see the module docstring)."""
    iss = iss if isinstance(iss, str) else None
    given = options.issuer_key
    if isinstance(given, PublicKey):
        return ResolvedIssuer(given, iss)
    kid = header.get("kid")
    if kid is not None and not isinstance(kid, str):
        raise _unresolvable("kid header is not a string", "kid-header is geen tekst")
    if iss is not None and iss.startswith("did:"):
        return ResolvedIssuer(_from_did(iss, kid, options), iss)
    if kid is not None and kid.startswith("did:"):
        if iss is not None:
            raise SignatureError(
                "key.not_authorised",
                f"key {kid!r} is not controlled by issuer {iss!r}",
                message_nl=f"sleutel {kid!r} is niet van uitgever {iss!r}",
            )
        did = kid.partition("#")[0]
        return ResolvedIssuer(_vm_key(kid, did, options), did)
    if iss is not None and iss.startswith("https://"):
        return ResolvedIssuer(_from_metadata(iss, kid, options), iss)
    if "jwk" in header:
        raise KeyFormatError(
            "key.untrusted_header_key",
            "a jwk header alone does not identify the issuer's key",
            message_nl="een jwk-header alleen identificeert de sleutel van de uitgever niet",
        )
    raise _unresolvable(
        f"no way to find the key of issuer {iss!r}",
        f"geen manier om de sleutel van uitgever {iss!r} te vinden",
    )


def _vm_key(did_url: str, owner: str, options: KeySources) -> PublicKey:
    return retrieve_method(did_url, "assertionMethod", resolver=resolver_for(options),
                           controller=owner).public_key


def _from_did(iss: str, kid: str | None, options: KeySources) -> PublicKey:
    base = iss.partition("#")[0]
    if kid is None:
        return _vm_key(base, base, options)
    if kid.startswith("did:"):
        if kid.partition("#")[0] != base:
            raise SignatureError(
                "key.not_authorised",
                f"key {kid!r} does not belong to issuer {base!r}",
                message_nl=f"sleutel {kid!r} hoort niet bij uitgever {base!r}",
            )
        return _vm_key(kid, base, options)
    return _vm_key(base + "#" + kid.removeprefix("#"), base, options)


def _from_metadata(iss: str, kid: str | None, options: KeySources) -> PublicKey:
    fetcher = options.fetcher
    if fetcher is None:
        raise FetchError(
            "fetch.disabled",
            f"cannot fetch issuer metadata of {iss}: no fetcher",
            message_nl=f"metadata van uitgever {iss} niet op te halen: geen fetcher",
        )
    meta = fetcher.get_json(issuer_metadata_url(iss), accept=_META_TYPES)
    if not isinstance(meta, dict) or meta.get("issuer") != iss:
        raise _unresolvable(
            "issuer metadata does not name this issuer", "metadata van de uitgever noemt deze uitgever niet"
        )
    if "jwks" in meta and "jwks_uri" in meta:
        raise _unresolvable(
            "issuer metadata has both jwks and jwks_uri",
            "metadata van de uitgever heeft zowel jwks als jwks_uri",
        )
    jwks = meta.get("jwks")
    if jwks is None and isinstance(meta.get("jwks_uri"), str):
        jwks = fetcher.get_json(meta["jwks_uri"], accept=_JWKS_TYPES)
    keys = jwks.get("keys") if isinstance(jwks, dict) else None
    if not isinstance(keys, list):
        raise _unresolvable("issuer metadata has no JWK set", "metadata van de uitgever heeft geen JWK-set")
    candidates = [k for k in keys if isinstance(k, dict) and (kid is None or k.get("kid") == kid)]
    if len(candidates) != 1:
        raise _unresolvable(
            f"issuer JWK set has {len(candidates)} keys matching kid {kid!r}",
            f"JWK-set van de uitgever heeft {len(candidates)} sleutels met kid {kid!r}",
        )
    try:
        return public_key_from_jwk(candidates[0])
    except RotondeError as exc:
        raise KeyFormatError(problems=exc.problems) from None
