"""The ``ldp_vc`` and ``vc+jwt`` branches of ``rotonde sign`` (registered in
:data:`rotonde.cli.sign.FORMAT_SIGNERS`).

* ``ldp_vc``: a Data Integrity proof (``eddsa-rdfc-2022`` by default, ``--cryptosuite
  eddsa-jcs-2022``) with proof purpose ``assertionMethod``; needs an Ed25519 key.
* ``vc+jwt``: VC-JOSE-COSE §3.1.1, ES256 or EdDSA.

The verification method is the key's ``did:key`` unless ``--did`` names the issuer DID (a DID
URL with a fragment is used as is; otherwise the fragment is the JWK ``kid`` or, failing that,
the key's Multikey value, as in :meth:`rotonde.did.DidDocument.for_key`). A credential without
``issuer`` gets the DID; one with a different issuer is refused (it would never verify).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from rotonde import keys
from rotonde.cli.support import usage_error
from rotonde.errors import RotondeError

__all__ = ["add_vc_options", "sign_ldp_vc", "sign_vc_jwt", "verification_method"]


def add_vc_options(parser: argparse.ArgumentParser) -> None:
    """``--did`` and ``--cryptosuite`` for the ``ldp_vc`` and ``vc+jwt`` formats."""
    parser.add_argument("--did", metavar="DID",
                        help="issuer DID or DID URL of the key (ldp_vc, vc+jwt); default did:key")
    parser.add_argument("--cryptosuite", default="eddsa-rdfc-2022",
                        choices=["eddsa-rdfc-2022", "eddsa-jcs-2022"],
                        help="Data Integrity cryptosuite (ldp_vc)")


def verification_method(key: keys.PrivateKey, did: str | None) -> str:
    """The verification method id for ``key`` under ``did`` (default: its ``did:key``)."""
    from rotonde.did.methods import method_id_for_key

    if not did:
        return method_id_for_key(key.public_key)
    if "#" in did:
        return did
    if did.startswith("did:key:"):
        return f"{did}#{did.removeprefix('did:key:')}"
    if did.startswith("did:jwk:"):
        return did + "#0"
    return f"{did}#{key.kid or key.public_key.multikey()}"


def _prepare(args: argparse.Namespace, claims: dict[str, Any], key: keys.PrivateKey,
             ) -> tuple[dict[str, Any], str]:
    method = verification_method(key, getattr(args, "did", None))
    controller = method.partition("#")[0]
    doc = dict(claims)
    issuer = doc.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if issuer is None:
        doc = {k: v for k, v in doc.items() if k not in ("proof",)}
        items = list(doc.items())
        at = next((i for i, (k, _) in enumerate(items) if k not in ("@context", "id", "type")),
                  len(items))
        doc = dict([*items[:at], ("issuer", controller), *items[at:]])
    elif issuer_id != controller:
        usage_error(f"credential issuer {issuer_id!r} is not the signing identifier "
                    f"{controller!r} (use --did)")
    return doc, method


def sign_ldp_vc(args: argparse.Namespace, claims: dict[str, Any], key: keys.PrivateKey) -> str:
    """Sign a credential with a Data Integrity proof; prints the secured JSON document."""
    from rotonde.credential import ensure_credential
    from rotonde.proofs import add_proof

    if key.alg != "EdDSA":
        usage_error("ldp_vc needs an Ed25519 (EdDSA) key")
    doc, method = _prepare(args, claims, key)
    try:
        ensure_credential(doc)
        signed = add_proof(doc, signer=key, verification_method=method,
                           cryptosuite=getattr(args, "cryptosuite", "eddsa-rdfc-2022"))
    except RotondeError as exc:
        usage_error("; ".join(f"{p.code} at {p.pointer or '/'}: {p.message}"
                              for p in exc.problems))
    return json.dumps(signed, indent=2, ensure_ascii=False)


def sign_vc_jwt(args: argparse.Namespace, claims: dict[str, Any], key: keys.PrivateKey) -> str:
    """Sign a credential as a ``vc+jwt`` compact JWS."""
    from rotonde.jose import sign_vc_jwt as sign

    doc, method = _prepare(args, claims, key)
    try:
        return sign(doc, signer=key, kid=method)
    except RotondeError as exc:
        usage_error("; ".join(f"{p.code} at {p.pointer or '/'}: {p.message}"
                              for p in exc.problems))
