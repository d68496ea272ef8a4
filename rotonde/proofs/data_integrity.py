"""Data Integrity proofs: add and verify ``DataIntegrityProof`` (W3C VC Data Integrity 1.0).

* :func:`add_proof` implements §4.2 "Add Proof" and §4.3 "Add Proof Set/Chain": existing proofs
  are kept (a proof set), and with ``previous_proof`` the new proof also signs the proofs it
  names (a proof chain).
* :func:`verify_proof` implements §4.4 "Verify Proof" and §4.5 "Verify Proof Sets and Chains":
  every proof must verify; purpose, challenge and domain are checked (§2.1, §4.4 steps 5–8);
  the verification method is retrieved through the injected resolver (§4.6 "Retrieve
  Verification Method", :func:`proof_method` over :func:`rotonde.did.methods.retrieve_method`)
  and must be authorised for the proof purpose by its controller
  document, and its controller must be the expected one (the issuer for credentials, the
  holder for presentations; VCDM 2.0 §4.7, §8.2).
* The cryptosuite steps (transformation, proof configuration, hashing, serialization:
  VC-DI-EdDSA 1.0 §3.3 and §3.4) are shared by the registered suites
  (:mod:`rotonde.proofs._suite`); :func:`hash_data` exposes the intermediate values.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rotonde.clock import Clock, SystemClock, format_datetime
from rotonde.did.methods import DidResolver, ResolvedMethod, expected_controller, retrieve_method
from rotonde.encoding import multibase_encode
from rotonde.errors import ParseError, Problem, RotondeError, SignatureError, ValidationError
from rotonde.keys import PublicKey, Signer
from rotonde.proofs._checks import (
    check_datetime,
    check_options,
    matching_proofs,
    proof_list,
    sig_error,
    signature_bytes,
)
from rotonde.proofs._suite import Cryptosuite, get_cryptosuite

if TYPE_CHECKING:
    from rotonde.jsonld import DocumentLoader

__all__ = [
    "LEGACY_PROOF_TYPES",
    "HashData",
    "ProofCheck",
    "ProofResult",
    "add_proof",
    "hash_data",
    "proof_configuration",
    "proof_method",
    "transform",
    "verify_proof",
]

PROOF_TYPE = "DataIntegrityProof"
#: Proof types from before Data Integrity 1.0 that are *verified* (never created) with the
#: steps of a registered cryptosuite (issue 15 D). ``Ed25519Signature2020`` (EdDSA Cryptosuite
#: v2020, W3C CCG Final Report 2022-07-24, §3.1-§3.4): RDF Dataset Canonicalization of the
#: document and of the proof options with the document ``@context``, ``SHA-256(options) ||
#: SHA-256(document)``, an Ed25519 signature in a base58btc multibase ``proofValue``, and no
#: ``cryptosuite`` member -- exactly the steps of ``eddsa-rdfc-2022`` (VC-DI-EdDSA §3.3), as
#: the VC-DI-EdDSA test vectors for both show.
LEGACY_PROOF_TYPES: dict[str, str] = {"Ed25519Signature2020": "eddsa-rdfc-2022"}


@dataclass(frozen=True, slots=True)
class HashData:
    """The intermediate values of the hashing step (VC-DI-EdDSA §3.3.4)."""

    canonical_document: bytes
    canonical_proof_config: bytes
    document_hash: bytes
    proof_config_hash: bytes

    @property
    def combined(self) -> bytes:
        """``SHA-256(proof config) || SHA-256(document)`` — the 64 bytes that are signed."""
        return self.proof_config_hash + self.document_hash


@dataclass(frozen=True, slots=True)
class ProofCheck:
    """One verified proof."""

    id: str | None
    cryptosuite: str
    verification_method: str
    controller: str
    proof_purpose: str
    created: str | None


@dataclass(frozen=True, slots=True)
class ProofResult:
    """What :func:`verify_proof` proved: every proof of the document, in order."""

    proofs: tuple[ProofCheck, ...]
    document: dict[str, Any]


def proof_configuration(options: Mapping[str, Any], document: Mapping[str, Any]) -> dict[str, Any]:
    """Proof options without ``proofValue``, with the document ``@context`` (§3.3.5 steps 1–5)."""
    config = {k: v for k, v in options.items() if k != "proofValue"}
    if config.get("type") != PROOF_TYPE and not _legacy(config):
        raise sig_error("di.proof_type_unsupported",
                         f"proof type {config.get('type')!r} is not {PROOF_TYPE}",
                         f"prooftype {config.get('type')!r} is niet {PROOF_TYPE}", "/proof/type")
    if "created" in config:
        check_datetime(config["created"], "created")
    if "@context" in document:
        config["@context"] = document["@context"]
    return config


def hash_data(
    document: Mapping[str, Any], options: Mapping[str, Any], *, loader: DocumentLoader | None = None
) -> HashData:
    """Transform and hash ``document`` (without ``proof``) and the proof ``options``."""
    return _hash_with(_suite_of(options), dict(document), options, loader)


def _legacy(proof: Mapping[str, Any]) -> bool:
    return proof.get("type") in LEGACY_PROOF_TYPES and "cryptosuite" not in proof


def _suite_of(proof: Mapping[str, Any]) -> Cryptosuite:
    """The cryptosuite whose steps verify ``proof``: its ``cryptosuite``, or for a legacy
    proof type (:data:`LEGACY_PROOF_TYPES`) the suite with the same steps."""
    if _legacy(proof):
        return get_cryptosuite(LEGACY_PROOF_TYPES[str(proof["type"])])
    if proof.get("type") != PROOF_TYPE:
        raise sig_error("di.proof_type_unsupported",
                         f"proof type {proof.get('type')!r} is not {PROOF_TYPE}",
                         f"prooftype {proof.get('type')!r} is niet {PROOF_TYPE}", "/proof/type")
    return get_cryptosuite(proof.get("cryptosuite"))


def add_proof(
    document: Mapping[str, Any],
    *,
    signer: Signer,
    verification_method: str,
    proof_purpose: str = "assertionMethod",
    created: str | None = None,
    clock: Clock | None = None,
    challenge: str | None = None,
    domain: str | list[str] | None = None,
    cryptosuite: str = "eddsa-rdfc-2022",
    loader: DocumentLoader | None = None,
    proof_id: str | None = None,
    previous_proof: str | list[str] | None = None,
    expires: str | None = None,
    nonce: str | None = None,
    proof_array: bool = False,
) -> dict[str, Any]:
    """Return a copy of ``document`` with one more Data Integrity proof (§4.2, §4.3).

    ``created`` defaults to the injected ``clock`` (system clock). Existing proofs are kept
    (proof set); ``previous_proof`` chains the new proof to the named ones. ``proof_array``
    writes a single proof as a one-element array (Open Badges 3.0 JSON Schemas require it).
    """
    suite = get_cryptosuite(cryptosuite)
    if signer.alg != suite.key_alg:
        raise sig_error("di.key_type_mismatch",
                         f"{suite.name} needs an {suite.key_alg} key, not {signer.alg}",
                         f"{suite.name} vereist een {suite.key_alg}-sleutel, geen {signer.alg}",
                         None)
    if proof_purpose == "authentication" and challenge is None:
        raise ValidationError("di.challenge_missing",
                              "an authentication proof needs a challenge",
                              message_nl="een authenticatieproof heeft een challenge nodig")
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    all_proofs = proof_list(document["proof"]) if "proof" in document else []
    options: dict[str, Any] = {"type": PROOF_TYPE}
    if proof_id is not None:
        options["id"] = proof_id
    options["cryptosuite"] = suite.name
    options["created"] = created or format_datetime((clock or SystemClock()).now())
    if expires is not None:
        options["expires"] = expires
    options["verificationMethod"] = verification_method
    options["proofPurpose"] = proof_purpose
    for name, value in (("challenge", challenge), ("domain", domain), ("nonce", nonce)):
        if value is not None:
            options[name] = value
    if previous_proof is not None:
        options["previousProof"] = previous_proof
        unsecured["proof"] = matching_proofs(all_proofs, previous_proof)
    if suite.proof_has_context and "@context" in document:
        options["@context"] = document["@context"]
    hashed = _hash_with(suite, unsecured, options, loader)
    proof = dict(options)
    proof["proofValue"] = multibase_encode(signer.sign(hashed.combined))
    out = {k: v for k, v in document.items() if k != "proof"}
    out["proof"] = [*all_proofs, proof] if all_proofs or proof_array else proof
    return out


def transform(suite: Cryptosuite, document: dict[str, Any], loader: DocumentLoader | None,
              ptr: str) -> bytes:
    """The suite's transformation; anything but a :class:`RotondeError` from the canonicalizer
    becomes ``di.transformation_failed`` (bad input must never escape as a crash)."""
    try:
        return suite.transform(document, loader)
    except RotondeError:
        raise
    except (ArithmeticError, LookupError, TypeError, ValueError, RecursionError) as exc:
        raise ParseError(
            "di.transformation_failed",
            f"the document cannot be canonicalized ({type(exc).__name__})",
            message_nl=f"het document kan niet worden gecanoniseerd ({type(exc).__name__})",
            pointer=ptr,
        ) from None


def _hash_with(
    suite: Cryptosuite, document: dict[str, Any], options: Mapping[str, Any],
    loader: DocumentLoader | None, canon_doc: bytes | None = None,
) -> HashData:
    config = proof_configuration(options, document)
    if canon_doc is None:
        canon_doc = transform(suite, document, loader, "/")
    canon_config = transform(suite, config, loader, "/proof")
    return HashData(canon_doc, canon_config, hashlib.sha256(canon_doc).digest(),
                    hashlib.sha256(canon_config).digest())


def verify_proof(
    document: Mapping[str, Any],
    *,
    resolver: DidResolver | None = None,
    loader: DocumentLoader | None = None,
    expected_purpose: str | None = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
    require_controller: bool = True,
    controller: str | None = None,
    clock: Clock | None = None,
    keys: Mapping[str, PublicKey] | None = None,
    transformed: Mapping[str, bytes] | None = None,
) -> ProofResult:
    """Verify every Data Integrity proof on ``document`` (§4.4, §4.5); raise on the first failure.

    Keys come from ``keys`` (verification method id → key) or the ``resolver``
    (:class:`rotonde.did.Resolver`). With ``require_controller`` the method's controller must be
    ``controller`` (default: the issuer of a credential, the holder of a presentation).
    ``transformed`` holds transformation results the caller already has for the document
    without ``proof`` (cryptosuite name → bytes, e.g. the canonical N-Quads a strict JSON-LD
    check produced); they are used for proofs that are not chained and do not override
    ``@context``.
    """
    if not isinstance(document, Mapping) or "proof" not in document:
        raise sig_error("di.proof_missing", "document has no proof", "document heeft geen proof")
    all_proofs = proof_list(document["proof"])
    owner = controller if controller is not None else expected_controller(document)
    bare = {k: v for k, v in document.items() if k != "proof"}
    checks: list[ProofCheck] = []
    for index, proof in enumerate(all_proofs):
        try:
            checks.append(_verify_one(
                bare, proof, all_proofs, resolver=resolver, loader=loader,
                expected_purpose=expected_purpose, challenge=challenge, domain=domain,
                require_controller=require_controller, owner=owner, clock=clock, keys=keys,
                transformed=transformed,
            ))
        except SignatureError as exc:
            if len(all_proofs) == 1:
                raise
            raise SignatureError(problems=[
                p if p.pointer is None or not p.pointer.startswith("/proof") else Problem(
                    p.code, p.message, p.message_nl,
                    f"/proof/{index}" + p.pointer[len("/proof"):], p.detail)
                for p in exc.problems
            ]) from None
    return ProofResult(tuple(checks), dict(document))


def _verify_one(
    bare: dict[str, Any], proof: dict[str, Any], all_proofs: list[dict[str, Any]], *,
    resolver: DidResolver | None, loader: DocumentLoader | None, expected_purpose: str | None,
    challenge: str | None,
    domain: str | None, require_controller: bool, owner: str | None, clock: Clock | None,
    keys: Mapping[str, PublicKey] | None, transformed: Mapping[str, bytes] | None,
) -> ProofCheck:
    check_options(proof, expected_purpose=expected_purpose, challenge=challenge,
                   domain=domain, clock=clock)
    suite = _suite_of(proof)
    signature = signature_bytes(proof)
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    unsecured = dict(bare)
    if "previousProof" in proof:
        unsecured["proof"] = matching_proofs(all_proofs, proof["previousProof"])
    if "@context" in options:
        # eddsa-*-2022 §3.x.2 step 4: the document must start with the proof's contexts
        ctx, doc_ctx = options["@context"], unsecured.get("@context")
        ctx_list = ctx if isinstance(ctx, list) else [ctx]
        doc_list = doc_ctx if isinstance(doc_ctx, list) else [doc_ctx]
        if doc_list[: len(ctx_list)] != ctx_list:
            raise sig_error("di.context_mismatch",
                             "proof @context is not a prefix of the document @context",
                             "@context van de proof is geen begin van de @context van het document",
                             "/proof/@context")
        unsecured["@context"] = ctx
        options = {k: v for k, v in options.items() if k != "@context"}
    method = proof_method(proof["verificationMethod"], proof["proofPurpose"],
                          resolver=resolver, keys=keys)
    if method.public_key.alg != suite.key_alg:
        raise sig_error("di.key_type_mismatch",
                         f"{suite.name} needs an {suite.key_alg} key",
                         f"{suite.name} vereist een {suite.key_alg}-sleutel",
                         "/proof/verificationMethod")
    if require_controller and owner is not None and method.controller != owner:
        raise sig_error("di.method_not_controlled",
                         f"verification method is controlled by {method.controller!r}, "
                         f"not by {owner!r}",
                         f"verificatiemethode valt onder {method.controller!r}, niet onder {owner!r}",
                         "/proof/verificationMethod")
    reuse = None
    if transformed and "previousProof" not in proof and "@context" not in proof:
        reuse = transformed.get(suite.name)
    hashed = _hash_with(suite, unsecured, options, loader, reuse)
    try:
        method.public_key.verify(signature, hashed.combined)
    except SignatureError:
        raise sig_error("di.signature_invalid", "Data Integrity proof does not verify",
                         "Data Integrity-proof klopt niet", "/proof/proofValue") from None
    return ProofCheck(proof.get("id"), proof["type"] if _legacy(proof) else suite.name,
                      method.id, method.controller,
                      proof["proofPurpose"], proof.get("created"))


def proof_method(
    method_id: str, purpose: str, *, resolver: DidResolver | None = None,
    keys: Mapping[str, PublicKey] | None = None,
) -> ResolvedMethod:
    """The verification method a proof names (§4.6), authorised for ``purpose``. A failure is a
    :class:`SignatureError` at ``/proof/verificationMethod`` — ``di.method_not_authorized``
    (the resolver said ``key.not_authorised``) or ``di.method_unresolvable`` — followed by the
    resolver's own problems (:mod:`rotonde.did.methods`)."""
    try:
        return retrieve_method(method_id, purpose, resolver=resolver, keys=keys)
    except RotondeError as exc:
        shown = repr(method_id[:200])
        head = sig_error(
            "di.method_not_authorized", f"verification method {shown} is not authorised for "
            f"{purpose}", f"verificatiemethode {shown} is niet gemachtigd voor {purpose}",
            "/proof/verificationMethod",
        ) if exc.code == "key.not_authorised" else sig_error(
            "di.method_unresolvable", f"verification method {shown} cannot be used",
            f"verificatiemethode {shown} is niet bruikbaar", "/proof/verificationMethod")
        raise SignatureError(problems=[*head.problems, *exc.problems]) from None
