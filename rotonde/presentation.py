"""Verifiable presentations (VCDM 2.0 §4.13) as plain JSON, and securing them.

* :func:`validate_presentation` / :func:`ensure_presentation`: ``@context``, ``type`` includes
  ``VerifiablePresentation``, ``id`` and ``holder`` URLs (or a holder object with an ``id``),
  ``verifiableCredential`` one or more credential objects, each either a secured credential
  (a JSON object with a ``proof``) or an ``EnvelopedVerifiableCredential`` (§4.13.1, the rule
  of :mod:`rotonde.envelope`).
* :func:`build_presentation` assembles one; :func:`sign_presentation` adds a Data Integrity
  proof with proof purpose ``authentication`` bound to a ``challenge`` and ``domain``
  (VC Data Integrity 1.0 §2.1). :func:`rotonde.jose.sign_vp_jwt` secures it as ``vp+jwt``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from rotonde.clock import Clock
from rotonde.credential import VC_V2_CONTEXT, common_problems, is_url, pointer, type_values
from rotonde.did.methods import method_id_for_key
from rotonde.envelope import ENVELOPED_CREDENTIAL, envelop, envelope_problem
from rotonde.errors import Problem, ValidationError
from rotonde.keys import Signer

if TYPE_CHECKING:
    from rotonde.jsonld import DocumentLoader

__all__ = [
    "MAX_CREDENTIALS",
    "build_presentation",
    "embedded_credentials",
    "ensure_presentation",
    "sign_presentation",
    "validate_presentation",
]

#: Most credentials one presentation may carry: each is verified on its own (signature, status,
#: schema), so an unbounded list is a denial-of-service lever.
MAX_CREDENTIALS = 100


def _p(code: str, en: str, nl: str, ptr: str) -> Problem:
    return Problem(code, en, nl, ptr)


def embedded_credentials(presentation: Mapping[str, Any]) -> list[Any]:
    """The ``verifiableCredential`` entries as a list (empty when there are none)."""
    value = presentation.get("verifiableCredential", [])
    return list(value) if isinstance(value, list) else [value]


def validate_presentation(doc: object) -> list[Problem]:
    """Every VCDM 2.0 data model problem of a presentation (embedded credentials are checked
    by the verifier, one report per credential)."""
    if not isinstance(doc, dict):
        return [_p("vp.not_object", "a presentation must be a JSON object",
                   "een presentatie moet een JSON-object zijn", "")]
    out = common_problems(doc, "vp", "VerifiablePresentation")
    if "holder" in doc:
        holder = doc["holder"]
        hid = holder.get("id") if isinstance(holder, dict) else holder
        if not is_url(hid):
            out.append(_p("vp.holder_invalid", "holder must be a URL or an object with an id URL",
                          "holder moet een URL of een object met een id-URL zijn", "/holder"))
    if "verifiableCredential" in doc:
        value = doc["verifiableCredential"]
        items = embedded_credentials(doc)
        if len(items) > MAX_CREDENTIALS:
            out.append(_p("vp.too_many_credentials",
                          f"a presentation may carry at most {MAX_CREDENTIALS} credentials",
                          f"een presentatie mag hoogstens {MAX_CREDENTIALS} credentials bevatten",
                          "/verifiableCredential"))
            return out
        if isinstance(value, list) and not value:
            out.append(_p("vp.credentials_empty", "verifiableCredential must not be empty",
                          "verifiableCredential mag niet leeg zijn", "/verifiableCredential"))
        for i, item in enumerate(items):
            at = pointer("verifiableCredential", i) if isinstance(value, list) else (
                "/verifiableCredential")
            if not isinstance(item, dict):
                out.append(_p("vp.credential_invalid",
                              "verifiableCredential entries must be objects",
                              "items van verifiableCredential moeten objecten zijn", at))
                continue
            types = type_values(item.get("type")) or []
            if ENVELOPED_CREDENTIAL in types:
                problem = envelope_problem(item, at)
                if problem is not None:
                    out.append(problem)
            elif "VerifiableCredential" not in types:
                out.append(_p("vp.credential_invalid",
                              "entry is neither a verifiable nor an enveloped credential",
                              "item is geen verifieerbare en geen omhulde credential",
                              at + "/type"))
    return out


def ensure_presentation(doc: object) -> dict[str, Any]:
    """Return ``doc`` if it is a valid presentation, else raise :class:`ValidationError`."""
    problems = validate_presentation(doc)
    if problems:
        raise ValidationError(problems=problems)
    assert isinstance(doc, dict)
    return doc


def build_presentation(
    *,
    credentials: Iterable[Mapping[str, Any] | str] = (),
    holder: str | None = None,
    id: str | None = None,
    contexts: Iterable[str | Mapping[str, Any]] = (),
    types: Iterable[str] = (),
) -> dict[str, Any]:
    """Assemble an unsecured presentation. Strings in ``credentials`` are ``vc+jwt`` tokens and
    become ``EnvelopedVerifiableCredential`` objects (VC-JOSE-COSE §3.1.2)."""
    doc: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT, *[c if isinstance(c, str) else dict(c) for c in contexts]],
    }
    if id is not None:
        doc["id"] = id
    doc["type"] = ["VerifiablePresentation",
                   *[t for t in types if t != "VerifiablePresentation"]]
    if holder is not None:
        doc["holder"] = holder
    creds = [envelop(c) if isinstance(c, str) else dict(c) for c in credentials]
    if creds:
        doc["verifiableCredential"] = creds
    return ensure_presentation(doc)


def sign_presentation(
    presentation: Mapping[str, Any],
    *,
    signer: Signer,
    challenge: str,
    domain: str | None = None,
    verification_method: str | None = None,
    created: str | None = None,
    clock: Clock | None = None,
    cryptosuite: str = "eddsa-rdfc-2022",
    loader: DocumentLoader | None = None,
) -> dict[str, Any]:
    """Add an ``authentication`` Data Integrity proof (the holder's ``did:key`` by default)."""
    from rotonde.proofs import add_proof

    ensure_presentation(dict(presentation))
    return add_proof(
        presentation, signer=signer,
        verification_method=verification_method or method_id_for_key(signer.public_key),
        proof_purpose="authentication", challenge=challenge, domain=domain, created=created,
        clock=clock, cryptosuite=cryptosuite, loader=loader,
    )

