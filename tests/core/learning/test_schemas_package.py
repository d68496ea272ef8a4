"""schemas/__init__.py: loaders for the shipped schema, contexts and SD-JWT VC type metadata."""

from __future__ import annotations

import importlib.util
from types import ModuleType

from rotonde.learning import CONTEXT_FILES, contexts
from rotonde.learning.record import RECORD_SCHEMA_ID, schema
from rotonde.learning.sdjwt_vc import vct_for
from tests.core.learning.learning_support import ROOT


def _schemas_package() -> ModuleType:
    # Loaded from its file: an editable install made before schemas/__init__.py existed maps
    # ``schemas`` to a namespace package.
    spec = importlib.util.spec_from_file_location("rotonde_schemas_under_test",
                                                  ROOT / "schemas" / "__init__.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_schemas_package_loaders_agree_with_rotonde_learning() -> None:
    pkg = _schemas_package()
    assert pkg.ACHIEVEMENT_RECORD_ID == RECORD_SCHEMA_ID
    assert pkg.achievement_record_schema() == schema()
    assert pkg.contexts() == contexts()
    assert sorted(pkg._CONTEXT_URLS.items()) == sorted(CONTEXT_FILES.items())
    kinds = ("microcredential", "qualification", "evc", "employer_attestation",
             "self_assessment")
    assert set(pkg.vct_metadata()) == {vct_for(k) for k in kinds}
