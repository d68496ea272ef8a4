"""The issuer publishes Rotonde's own vocabularies (issuer/routes/vocab.py, issue 15 A.2), and
the OB 3.0 credential it issues validates against 1EdTech's schema."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import jsonschema
import pytest

from issuer.settings import IssuerSettings
from rotonde.errors import ConfigurationError
from rotonde.jsonld.own import OWN_CONTEXT_PATHS, context_bytes, digest_sri
from tests.issuer._support import LiveIssuer


@pytest.mark.parametrize("name", sorted(OWN_CONTEXT_PATHS))
def test_each_own_context_is_served_immutable_with_cors(live: LiveIssuer, name: str) -> None:
    with live.client() as http:
        r = http.get(OWN_CONTEXT_PATHS[name])
        assert r.status_code == 200
        assert r.content == context_bytes(name)
        assert r.headers["content-type"] == "application/ld+json"
        assert r.headers["access-control-allow-origin"] == "*"
        assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
        etag = r.headers["etag"]
        assert etag == '"' + hashlib.sha256(r.content).hexdigest() + '"'
        assert json.loads(r.content)["@context"]["@protected"] is True
        again = http.get(OWN_CONTEXT_PATHS[name], headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["cache-control"] == r.headers["cache-control"]


@pytest.mark.parametrize("path", ["/contexts/elm-vcdm2/v2.jsonld", "/contexts/nope/v1.jsonld",
                                  "/contexts/elm-vcdm2/v1.json"])
def test_unknown_context_paths_are_404_problems(live: LiveIssuer, path: str) -> None:
    with live.client() as http:
        r = http.get(path)
    assert r.status_code == 404
    assert r.json()["code"] == "vocab.not_found"


def test_the_vocab_base_defaults_to_the_public_url_and_is_checked(tmp_path: Path) -> None:
    s = IssuerSettings(dev=True, data_dir=tmp_path, public_url="https://issuer.example/")
    assert s.vocab_base == "https://issuer.example"
    s = IssuerSettings(dev=True, data_dir=tmp_path, vocab_base_url="https://w3id.org/rotonde/")
    assert s.validate().vocab_base == "https://w3id.org/rotonde"
    for bad in ("ftp://x.example", "https://x.example/?q=1", "https://x.example/#f",
                "not a url"):
        with pytest.raises(ConfigurationError) as info:
            IssuerSettings(dev=True, data_dir=tmp_path, vocab_base_url=bad).validate()
        assert info.value.code == "config.invalid_vocab_base_url"
    with pytest.raises(ConfigurationError) as info:
        IssuerSettings(dev=False, data_dir=tmp_path, vocab_base_url="http://x.example",
                       public_url="https://issuer.example").validate()
    assert info.value.code == "config.invalid_vocab_base_url"


def test_issued_credentials_name_the_published_urls_and_ob3_fits_the_1edtech_schema(
    live: LiveIssuer, conformance: Path
) -> None:
    from tests.interop.test_digitalbazaar import _credentials

    creds = _credentials(live, "vocab", {})
    elm = creds["elm_ldp_vc"]
    url = f"{live.url}{OWN_CONTEXT_PATHS['elm-vcdm2.jsonld']}"
    assert elm["@context"][1] == url
    assert elm["relatedResource"] == [{"id": url, "digestSRI": digest_sri("elm-vcdm2.jsonld"),
                                       "mediaType": "application/ld+json"}]
    ob3 = creds["open_badge_ldp_vc"]
    schema = json.loads((conformance / "obv3/schemas/ob_v3p0_achievementcredential.schema.json")
                        .read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    signed = dict(ob3, proof=ob3["proof"] if isinstance(ob3["proof"], list) else [ob3["proof"]])
    assert [e.message for e in validator.iter_errors(signed)] == []
    assert not any(str(c).startswith("https://rotonde.example") for c in ob3["@context"])
