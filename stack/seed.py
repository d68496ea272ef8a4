"""Demo data for ``rotonde up``: tenants, API keys, catalogue, trust list, learner account.

Everything comes from the shipped example data set (``examples/``, see its README): the four
awarding bodies of ``providers.json`` become ``did:key`` tenants of the issuer (did:web always
resolves over https, so a local http demo cannot use it), each record of ``records/`` becomes
a catalogue template of its awarding body (the record minus the per-learner ``learner`` and
``award_date``, see ``issuer.flows.catalogue``), and a trust list in the format of
``schemas/trust-list.schema.json`` names the tenants' DIDs with the kinds and highest levels
they issue. The example pathway and requirement profile name the fictitious ``did:web``
identifiers of the data set; copies in the data directory name the seeded tenants instead.

Seeding is idempotent: existing tenants, keys and achievements are found and reused, and the
secrets that the databases only keep as hashes (API key tokens, the learner's password) are
kept in ``demo.json``.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from rotonde.errors import ConfigurationError

__all__ = [
    "DEMO_LEARNER",
    "DEMO_RECORD",
    "DEMO_TENANT",
    "EXTRA_OFFERS",
    "DemoState",
    "Provider",
    "issue_demo_offer",
    "load_providers",
    "read_state",
    "rewrite_examples",
    "seed_issuer",
    "seed_learner",
    "trust_list_for",
    "write_state",
    "write_trust_list",
]

#: Slug of the tenant whose MAG-welding microcredential is offered on every run.
DEMO_TENANT = "metaalschool-oost"
DEMO_RECORD = "mc-mag-lassen"
DEMO_LEARNER = {"username": "sanne", "name": "Sanne de Vries"}
#: Further offers printed on every run: with them Sanne meets every required item of the
#: example vacancy (``examples/requirements``), so the employer's verdict can be "accepted".
EXTRA_OFFERS = (("roc-rijnvallei", "mc-tekening-lezen"), ("metaalschool-oost", "mc-veilig-werken"))
_ACTOR = "rotonde-up"
_LEVEL_FRAMEWORKS = ("EQF", "NLQF")


@dataclass(frozen=True)
class Provider:
    """One awarding body of ``examples/providers.json`` with its records (by file stem)."""

    example_id: str
    slug: str
    name: dict[str, str]
    country: str
    registry_ids: dict[str, str]
    records: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class DemoState:
    """The contents of ``demo.json`` (mutable while seeding, then written once)."""

    data: dict[str, Any]

    def tenant(self, slug: str) -> dict[str, Any]:
        tenants: dict[str, Any] = self.data.setdefault("tenants", {})
        entry: dict[str, Any] = tenants.setdefault(slug, {})
        return entry


def _bad_examples(what: str) -> ConfigurationError:
    return ConfigurationError(
        "up.examples_invalid", f"the example data set is incomplete: {what}",
        message_nl=f"de voorbeelddata zijn onvolledig: {what}",
    )


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise _bad_examples(f"{path.name}: {exc}") from None


def load_providers(examples: Path) -> list[Provider]:
    """The awarding bodies and their records; the self-assessment (issued by the learner
    herself) belongs to no provider and is left out."""
    data = _read_json(examples / "providers.json")
    providers: list[Provider] = []
    for p in data.get("providers", []) if isinstance(data, dict) else []:
        example_id = str(p["id"])
        slug = example_id.rsplit(":", 1)[-1].split(".", 1)[0]
        providers.append(Provider(example_id, slug, dict(p["name"]), str(p.get("country", "NL")),
                                  dict(p.get("registry_ids", {}))))
    if not providers:
        raise _bad_examples("providers.json names no providers")
    by_id = {p.example_id: p for p in providers}
    for path in sorted((examples / "records").glob("*.json")):
        record = _read_json(path)
        owner = by_id.get(str(record.get("awarding_body", {}).get("id")))
        if owner is not None:
            owner.records[path.stem] = record
    if DEMO_RECORD not in next((p.records for p in providers if p.slug == DEMO_TENANT), {}):
        raise _bad_examples(f"records/{DEMO_RECORD}.json of {DEMO_TENANT} is missing")
    return providers


def _template(record: dict[str, Any], did: str) -> dict[str, Any]:
    """A catalogue template: the record without its per-learner members, awarded by ``did``."""
    template = {k: v for k, v in record.items() if k not in ("learner", "award_date")}
    template["awarding_body"] = {**record["awarding_body"], "id": did}
    return template


def seed_issuer(ctx: Any, providers: list[Provider], state: DemoState) -> dict[str, str]:
    """Create (or find) each provider's tenant, API key and achievements.

    Returns ``{example did:web: tenant did:key}``; records everything in ``state``."""
    from issuer.flows.apikeys import authenticate, new_api_key
    from issuer.flows.catalogue import create_achievement, list_achievements
    from issuer.flows.tenants import create_tenant, tenant_by_slug
    from rotonde.errors import NotFoundError

    mapping: dict[str, str] = {}
    for p in providers:
        try:
            tenant = tenant_by_slug(ctx, p.slug)
        except NotFoundError:
            tenant = create_tenant(
                ctx, slug=p.slug, name_nl=p.name.get("nl") or p.name["en"],
                name_en=p.name.get("en") or p.name["nl"], country=p.country,
                brin=p.registry_ids.get("brin"), rio=p.registry_ids.get("rio"),
                kvk=p.registry_ids.get("kvk"), did_method="key", actor=_ACTOR,
            )
        entry = state.tenant(p.slug)
        token = entry.get("api_key")
        principal = authenticate(ctx, token) if isinstance(token, str) else None
        if principal is None or principal.tenant_id != tenant.id:
            _, token = new_api_key(ctx, tenant.id, label="rotonde up demo", actor=_ACTOR)
        existing = {a["template"].get("id"): a["id"] for a in list_achievements(ctx, tenant,
                                                                                limit=1000)}
        achievements: dict[str, str] = {}
        for stem, record in p.records.items():
            ach_id = existing.get(record.get("id"))
            if ach_id is None:
                ach_id = create_achievement(ctx, tenant, _template(record, tenant.did),
                                            actor=_ACTOR)["id"]
            achievements[stem] = ach_id
        entry.update({"id": tenant.id, "did": tenant.did, "name": p.name, "api_key": token,
                      "achievements": achievements, "example_id": p.example_id})
        mapping[p.example_id] = tenant.did
    return mapping


def issue_demo_offer(ctx: Any, state: DemoState, *, wallet_url: str, record: str = DEMO_RECORD,
                     tenant_slug: str = DEMO_TENANT) -> dict[str, Any]:
    """A fresh offer of ``record`` to the demo learner (a new PIN every time): ``uri``
    (``openid-credential-offer://``), ``tx_code``, ``page`` (the issuer's offer page),
    ``wallet_link`` (the web wallet's credential offer endpoint), ``title``, ``issuer``."""
    from issuer.flows.catalogue import get_achievement
    from issuer.flows.issuing import issue_to_learner
    from issuer.flows.tenants import tenant_by_slug

    tenant = tenant_by_slug(ctx, tenant_slug)
    ach_id = state.tenant(tenant_slug)["achievements"][record]
    result = issue_to_learner(ctx, tenant, achievement_id=ach_id,
                              learner={"name": DEMO_LEARNER["name"]},
                              learner_ref=DEMO_LEARNER["username"], actor=_ACTOR)
    offer = result.to_dict()["offer"]
    return {
        "uri": offer["offer_uri"], "tx_code": offer["tx_code"], "page": offer["offer_page"],
        "wallet_link": wallet_url + "/offer?credential_offer_uri="
        + quote(offer["credential_offer_uri"], safe=""),
        "credential_offer_uri": offer["credential_offer_uri"],
        "expires_at": offer["expires_at"], "record": record,
        "title": get_achievement(ctx, tenant, ach_id)["template"].get("title", {}),
        "issuer": {"nl": tenant.name_nl, "en": tenant.name_en},
    }


def _levels(record: dict[str, Any]) -> list[dict[str, Any]]:
    found = [record.get("level"), *record.get("equivalent_levels", [])]
    found += [o.get("level") for o in record.get("learning_outcomes", [])]
    return [lv for lv in found if isinstance(lv, dict)]


def trust_list_for(providers: list[Provider], state: DemoState) -> dict[str, Any]:
    """A trust list (``schemas/trust-list.schema.json``) of the seeded tenants: their
    ``did:key`` ids, names, registry ids, the kinds they issue and their highest levels."""
    issuers: list[dict[str, Any]] = []
    schemes = {"brin": "BRIN", "rio": "RIO", "kvk": "KvK"}
    for p in providers:
        entry: dict[str, Any] = {
            "name": p.name,
            "identifiers": [state.tenant(p.slug)["did"]],
            "kinds": sorted({str(r["kind"]) for r in p.records.values()}) or ["*"],
        }
        regs = [{"scheme": schemes[k], "value": v} for k, v in sorted(p.registry_ids.items())
                if k in schemes]
        if regs:
            entry["registrations"] = regs
        best: dict[str, int] = {}
        for record in p.records.values():
            for lv in _levels(record):
                fw, value = lv.get("framework"), lv.get("value")
                if fw in _LEVEL_FRAMEWORKS and isinstance(value, int):
                    best[str(fw)] = max(best.get(str(fw), 0), value)
        if best:
            entry["max_levels"] = [{"framework": fw, "value": best[fw]} for fw in sorted(best)]
        issuers.append(entry)
    return {
        "trust_list_version": "1.0",
        "id": "urn:rotonde:trust-list:demo",
        "name": {"nl": "Rotonde-demo: erkende uitgevers", "en": "Rotonde demo: accredited issuers"},
        "operator": {"nl": "rotonde up (lokale demo)", "en": "rotonde up (local demo)"},
        "issuers": issuers,
    }


def _replace_ids(value: Any, mapping: dict[str, str]) -> Any:
    if isinstance(value, str):
        return mapping.get(value, value)
    if isinstance(value, list):
        return [_replace_ids(v, mapping) for v in value]
    if isinstance(value, dict):
        return {k: _replace_ids(v, mapping) for k, v in value.items()}
    return value


def rewrite_examples(examples: Path, target: Path, mapping: dict[str, str]) -> dict[str, Path]:
    """Copies of ``pathways/`` and ``requirements/`` naming the seeded tenants' DIDs instead of
    the example ``did:web`` ids; returns ``{"pathways": dir, "requirements": dir}``."""
    out: dict[str, Path] = {}
    for name in ("pathways", "requirements"):
        directory = target / name
        directory.mkdir(parents=True, exist_ok=True)
        for path in sorted((examples / name).glob("*.json")):
            doc = _replace_ids(_read_json(path), mapping)
            _write_json(directory / path.name, doc)
        out[name] = directory
    return out


def seed_learner(wallet_ctx: Any, state: DemoState) -> None:
    """Create the demo learner's wallet account once; its password is kept in ``state``."""
    from sqlalchemy import select

    from wallet.flows.accounts import create_account
    from wallet.models import Account

    learner = state.data.setdefault("learner", {"username": DEMO_LEARNER["username"]})
    username = learner["username"]
    with wallet_ctx.db.session() as s:
        exists = s.scalar(select(Account.id).where(Account.username == username)) is not None
        if exists and learner.get("password"):
            return
        if exists:
            raise ConfigurationError(
                "up.learner_password_lost",
                f"the wallet account {username!r} exists but demo.json has no password; "
                "remove the data directory to start afresh",
                message_nl=f"het wallet-account {username!r} bestaat, maar demo.json heeft geen "
                "wachtwoord; verwijder de datamap om opnieuw te beginnen",
            )
        password = "-".join(secrets.token_hex(3) for _ in range(3))
        create_account(s, wallet_ctx.box, wallet_ctx.clock, username, password)
        learner["password"] = password


def read_state(path: Path) -> DemoState:
    """``demo.json`` of an earlier run, or an empty state."""
    if not path.exists():
        return DemoState({})
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigurationError(
            "up.state_unreadable", f"cannot read {path}: {exc}",
            message_nl=f"kan {path} niet lezen: {exc}",
        ) from None
    return DemoState(data if isinstance(data, dict) else {})


def _write_json(path: Path, value: Any, *, private: bool = False) -> None:
    tmp = path.with_name(path.name + ".tmp")
    text = json.dumps(value, indent=2, ensure_ascii=False) + "\n"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def write_state(path: Path, state: DemoState) -> None:
    """Write ``demo.json`` atomically, readable by its owner only (it holds secrets)."""
    _write_json(path, state.data, private=True)


def write_trust_list(path: Path, trust_list: dict[str, Any]) -> None:
    """Write the trust list file read by the wallet and the verifier."""
    _write_json(path, trust_list)
