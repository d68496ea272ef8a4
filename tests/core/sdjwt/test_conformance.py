"""SD-JWT conformance: the reference test cases (sd-jwt-python) and the OpenID4VP vector.

For every case in ``sd-jwt/generated-testcases``:

* the presentation verifies with the reference issuer key and yields ``verified_contents.json``
  exactly (key binding with nonce ``1234567890`` and the verifier audience where present);
* issuing ``specification.yml``'s claims with the salts the reference used reproduces its
  Issuer-signed payload and its Disclosures byte for byte;
* presenting the holder's choice (``holder_disclosed_claims``) selects the same Disclosures,
  and our own presentation with key binding verifies to the same contents.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from rotonde import keys, sdjwt
from rotonde.clock import FixedClock
from rotonde.encoding import b64url_decode
from rotonde.verify import VerifyOptions, verify
from tests.conftest import CONFORMANCE

CASES_DIR = CONFORMANCE / "sd-jwt" / "generated-testcases"
VCLD_DIR = CONFORMANCE / "sd-jwt" / "openid4vp-sd_jwt_vcld"
CASES = sorted(p.name for p in CASES_DIR.iterdir() if p.is_dir()) if CASES_DIR.is_dir() else []
KB_IAT = 1795341916  # iat of the reference KB-JWTs
NONCE = "1234567890"


class _SD:
    """A value tagged ``!sd`` in a specification.yml."""

    def __init__(self, value: Any) -> None:
        self.value = value


class _Loader(yaml.SafeLoader):
    pass


def _construct_sd(loader: yaml.SafeLoader, node: yaml.Node) -> _SD:
    if isinstance(node, yaml.ScalarNode):
        tag = (
            "tag:yaml.org,2002:str"
            if node.style
            else loader.resolve(yaml.ScalarNode, node.value, (True, False))
        )
        plain = yaml.ScalarNode(tag, node.value, node.start_mark, node.end_mark)
        return _SD(loader.construct_object(plain, deep=True))
    if isinstance(node, yaml.SequenceNode):
        return _SD(loader.construct_sequence(node, deep=True))
    assert isinstance(node, yaml.MappingNode)
    return _SD(loader.construct_mapping(node, deep=True))


_Loader.add_constructor("!sd", _construct_sd)


def _unwrap(node: Any, path: tuple[str, ...], paths: list[tuple[str, ...]]) -> Any:
    if isinstance(node, _SD):
        paths.append(path)
        return _unwrap(node.value, path, paths)
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            name = key.value if isinstance(key, _SD) else key
            if isinstance(key, _SD):
                paths.append((*path, name))
            out[name] = _unwrap(value, (*path, name), paths)
        return out
    if isinstance(node, list):
        return [_unwrap(v, (*path, str(i)), paths) for i, v in enumerate(node)]
    return node


def _holder_paths(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    if node is True:
        yield path
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _holder_paths(value, (*path, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _holder_paths(value, (*path, str(index)))


def _read_token(case: Path, stem: str) -> str:
    txt = case / f"{stem}.txt"
    if txt.exists():
        return "".join(txt.read_text().split())
    value = json.loads((case / f"{stem}.json").read_text())
    assert isinstance(value, str)
    return value


def _settings(folder: Path) -> dict[str, Any]:
    settings: dict[str, Any] = yaml.safe_load((folder / "settings.yml").read_text())
    return settings


def _issuer_public() -> keys.PublicKey:
    jwk = json.loads((CONFORMANCE / "sd-jwt" / "reference-issuer-public-jwk.json").read_text())
    return keys.public_key_from_jwk(jwk)


def test_all_reference_cases_are_present(conformance: Path) -> None:
    assert len(CASES) == 17, CASES
    assert (VCLD_DIR / "01" / "sd_jwt_presentation.txt").is_file()


@pytest.mark.parametrize("name", CASES)
def test_reference_presentation_verifies(conformance: Path, name: str) -> None:
    case = CASES_DIR / name
    settings = _settings(CASES_DIR)
    token = _read_token(case, "sd_jwt_presentation")
    spec = yaml.load((case / "specification.yml").read_text(), Loader=_Loader)
    kb = bool(spec.get("key_binding"))
    result = sdjwt.verify(
        token,
        issuer_key=_issuer_public(),
        nonce=settings["key_binding_nonce"] if kb else None,
        aud=settings["identifiers"]["verifier"] if kb else None,
        clock=FixedClock(KB_IAT + 5),
    )
    expected = json.loads((case / "verified_contents.json").read_text())
    assert result.claims == expected
    assert (result.key_binding is not None) == kb


@pytest.mark.parametrize("name", CASES)
def test_reference_issuance_reproduced(conformance: Path, name: str) -> None:
    case = CASES_DIR / name
    settings = _settings(CASES_DIR)
    spec = yaml.load((case / "specification.yml").read_text(), Loader=_Loader)
    paths: list[tuple[str, ...]] = []
    claims = _unwrap(spec["user_claims"], (), paths)
    assert claims == json.loads((case / "user_claims.json").read_text())
    reference = sdjwt.parse(_read_token(case, "sd_jwt_issuance"))
    salts = iter([b64url_decode(d.salt) for d in reference.disclosures])
    issuer = keys.private_key_from_jwk(settings["key_settings"]["issuer_keys"][0])
    holder = keys.private_key_from_jwk(settings["key_settings"]["holder_key"])
    extra = dict(spec.get("extra_header_parameters") or {})
    token = sdjwt.issue(
        claims,
        signer=issuer,
        disclosable=paths,
        typ=extra.pop("typ", "example+sd-jwt"),
        header=extra,
        iss=settings["identifiers"]["issuer"],
        iat=settings["iat"],
        exp=settings["exp"],
        holder_key=holder.public_key if spec.get("key_binding") else None,
        rng=lambda n: next(salts),
    )
    ours = sdjwt.parse(token)
    assert ours.payload == json.loads((case / "sd_jwt_payload.json").read_text())
    assert [d.encoded for d in ours.disclosures] == [d.encoded for d in reference.disclosures]
    assert ours.header == reference.header
    sdjwt.verify(token, issuer_key=issuer.public_key, clock=FixedClock(settings["iat"]))

    # the holder's choice selects the reference presentation's Disclosures
    chosen = list(_holder_paths(spec.get("holder_disclosed_claims") or {}))
    presented = sdjwt.parse(_read_token(case, "sd_jwt_presentation"))
    mine = sdjwt.select_disclosures(reference, chosen)
    assert {d.encoded for d in mine} == {d.encoded for d in presented.disclosures}

    # our own presentation with key binding verifies to the reference contents
    shown = sdjwt.present(
        token if spec.get("key_binding") else reference.serialize(),
        disclose=chosen,
        holder_key=holder if spec.get("key_binding") else None,
        nonce=NONCE,
        aud=settings["identifiers"]["verifier"],
        iat=KB_IAT,
    )
    result = sdjwt.verify(
        shown,
        issuer_key=issuer.public_key,
        nonce=NONCE if spec.get("key_binding") else None,
        aud=settings["identifiers"]["verifier"] if spec.get("key_binding") else None,
        clock=FixedClock(KB_IAT),
    )
    assert result.claims == json.loads((case / "verified_contents.json").read_text())


def _vcld(name: str) -> str:
    return "".join((VCLD_DIR / "01" / name).read_text().split())


def test_openid4vp_sd_jwt_vc_vector(conformance: Path) -> None:
    settings = _settings(VCLD_DIR)
    kb_iat = json.loads((VCLD_DIR / "01" / "kb_jwt_payload.json").read_text())["iat"]
    result = sdjwt.verify(
        _vcld("sd_jwt_presentation.txt"),
        issuer_key=_issuer_public(),
        nonce=settings["key_binding_nonce"],
        aud=settings["identifiers"]["verifier"],
        typ=sdjwt.ACCEPTED_TYPS,
        clock=FixedClock(kb_iat + 1),
    )
    assert result.claims == json.loads((VCLD_DIR / "01" / "verified_contents.json").read_text())
    assert result.key_binding is not None
    assert result.key_binding.claims["nonce"] == "1234567890"
    assert result.disclosed == ("ld.credentialSubject.givenName",)


def test_openid4vp_vector_through_the_engine(conformance: Path) -> None:
    settings = _settings(VCLD_DIR)
    kb_iat = json.loads((VCLD_DIR / "01" / "kb_jwt_payload.json").read_text())["iat"]
    options = VerifyOptions(
        issuer_key=_issuer_public(),
        nonce=settings["key_binding_nonce"],
        audience=settings["identifiers"]["verifier"],
        clock=FixedClock(kb_iat + 1),
    )
    report = verify(_vcld("sd_jwt_presentation.txt"), options)
    assert report.verified, report.to_dict()
    assert report.format == "dc+sd-jwt"
    assert report.issuer == "https://issuer.example.com"
    assert report.claims == json.loads((VCLD_DIR / "01" / "verified_contents.json").read_text())
    wrong = verify(
        _vcld("sd_jwt_presentation.txt"),
        VerifyOptions(
            issuer_key=_issuer_public(), nonce="other", audience=options.audience,
            clock=options.clock,
        ),
    )
    assert not wrong.verified
    check = wrong.check("holder_binding")
    assert check is not None and check.problems[0].code == "sdjwt.kb_nonce_mismatch"


def test_openid4vp_vector_issuance_reproduced(conformance: Path) -> None:
    settings = _settings(VCLD_DIR)
    spec = yaml.load((VCLD_DIR / "01" / "specification.yml").read_text(), Loader=_Loader)
    paths: list[tuple[str, ...]] = []
    claims = _unwrap(spec["user_claims"], (), paths)
    reference = sdjwt.parse(_vcld("sd_jwt_issuance.txt"))
    salts = iter([b64url_decode(d.salt) for d in reference.disclosures])
    issuer = keys.private_key_from_jwk(settings["key_settings"]["issuer_keys"][0])
    holder = keys.private_key_from_jwk(settings["key_settings"]["holder_key"])
    token = sdjwt.issue(
        claims, signer=issuer, disclosable=paths, iss=settings["identifiers"]["issuer"],
        iat=settings["iat"], exp=settings["exp"], holder_key=holder.public_key,
        rng=lambda n: next(salts),
    )
    ours = sdjwt.parse(token)
    assert ours.payload == json.loads((VCLD_DIR / "01" / "sd_jwt_payload.json").read_text())
    assert ours.header == reference.header == {"alg": "ES256", "typ": "dc+sd-jwt"}
    assert [d.encoded for d in ours.disclosures] == [d.encoded for d in reference.disclosures]
