"""Rotonde's own contexts under a deployment's base URL (rotonde.jsonld.own, issue 15 A.2)."""

from __future__ import annotations

import base64
import hashlib

import pytest

from rotonde.errors import PolicyError
from rotonde.jsonld import DocumentLoader, default_loader, expand
from rotonde.jsonld.own import (
    OWN_CONTEXT_FILES,
    context_bytes,
    digest_sri,
    own_context_file,
    own_context_url,
)
from rotonde.learning import elm
from tests.core.learning.learning_support import microcredential

BASE = "https://issuer.example.org/rotonde"


def test_urls_under_a_base_keep_the_versioned_path() -> None:
    assert own_context_url("elm-vcdm2.jsonld", BASE + "/") == (
        "https://issuer.example.org/rotonde/contexts/elm-vcdm2/v1.jsonld")
    assert own_context_url("elm-vcdm2.jsonld") == OWN_CONTEXT_FILES["elm-vcdm2.jsonld"]


@pytest.mark.parametrize("url", [
    "https://issuer.example.org/contexts/elm-vcdm2/v2.jsonld",  # another version
    "https://issuer.example.org/contexts/elm-vcdm2/v1.jsonld?x=1",
    "https://issuer.example.org/contexts/elm-vcdm2/v1.jsonld#frag",
    "https://user@issuer.example.org/contexts/elm-vcdm2/v1.jsonld",
    "ftp://issuer.example.org/contexts/elm-vcdm2/v1.jsonld",
    "https:///contexts/elm-vcdm2/v1.jsonld",
    "https://issuer.example.org/contexts/elm-vcdm2/v1.json",
    42,
])
def test_other_urls_are_not_own_contexts(url: object) -> None:
    assert own_context_file(url) is None


def test_the_default_loader_knows_them_under_any_base_a_plain_loader_does_not() -> None:
    url = own_context_url("elm-vcdm2.jsonld", BASE)
    assert own_context_file(url) == "elm-vcdm2.jsonld"
    assert url in default_loader()
    assert default_loader().document(url) == default_loader().document(
        OWN_CONTEXT_FILES["elm-vcdm2.jsonld"])
    assert url not in DocumentLoader()
    with pytest.raises(PolicyError) as info:
        DocumentLoader().document(url)
    assert info.value.code == "jsonld.context_unknown"


def test_an_elm_credential_under_a_base_names_it_binds_its_digest_and_expands() -> None:
    vc = elm.build(microcredential(), issuer_id="did:example:x", vocab_base=BASE)
    url = own_context_url("elm-vcdm2.jsonld", BASE)
    assert vc["@context"][1] == url
    [related] = vc["relatedResource"]
    digest = base64.b64encode(hashlib.sha384(context_bytes("elm-vcdm2.jsonld")).digest())
    assert related == {"id": url, "digestSRI": "sha384-" + digest.decode(),
                       "mediaType": "application/ld+json"}
    assert digest_sri("elm-vcdm2.jsonld") == related["digestSRI"]
    assert elm.is_elm(vc)
    expand(vc, loader=default_loader(), strict=True)
    assert elm.read(vc) == microcredential()
