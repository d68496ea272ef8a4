"""Seeing: the credential list, a credential's detail (claims, report, status, raw), re-check,
delete; the competence passport, pathway progress and self-assessment."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from rotonde.errors import RotondeError, ValidationError
from rotonde.keys import PrivateKey
from servicekit.pages import PageError, check_csrf, lang_of, redirect, render
from wallet.flows import insight
from wallet.flows.accounts import SessionInfo, holder_keys, vault_for
from wallet.flows.store import (
    delete_credential,
    get_credential,
    list_credentials,
    store_credential,
    summarise,
    update_meta,
)
from wallet.i18n import problem_text, translator
from wallet.pages import context_of
from wallet.routes.deps import Ctx, User, fetches_for_learner

if TYPE_CHECKING:
    from rotonde.learning.passport import Passport
    from wallet.context import WalletContext
    from wallet.flows.store import Held

__all__ = ["router"]

router = APIRouter()

_FORMATS = {"dc+sd-jwt": "SD-JWT VC", "ldp_vc": "Data Integrity", "vc+jwt": "JWT",
            "jwt_vc_json": "JWT"}


@router.get("/")
def home(request: Request, c: Ctx, user: User, notice: str = "") -> Response:
    lang = lang_of(request)
    with c.db.session() as s:
        items = list_credentials(s, vault_for(s, c.box, user.account_id))
    cards = [{"id": h.id, "title": h.title(lang), "issuer": h.issuer_name(lang),
              "level": h.level, "status": "self" if h.self_asserted else h.status,
              "trusted": h.trusted, "received": h.received_at,
              "format": _FORMATS.get(h.format, h.format)}
             for h in items]
    t = translator(lang)
    text = t(notice) if notice in ("detail.deleted", "self.saved") else ""
    return render(request, "list.html", {"active": "list", "cards": cards, "notice": text})


def _detail(request: Request, user: SessionInfo, credential_id: str, **extra: Any) -> Response:
    c = context_of(request)
    lang = lang_of(request)
    with c.db.session() as s:
        held = get_credential(s, vault_for(s, c.box, user.account_id), credential_id)
    if held is None:
        raise PageError(404, "error.not_found")
    raw = held.credential if isinstance(held.credential, str) else json.dumps(
        held.credential, indent=2, ensure_ascii=False)
    return render(request, "detail.html", {
        "active": "list", "h": held, "title": held.title(lang),
        "issuer": held.issuer_name(lang), "rows": insight.claim_rows(held, lang),
        "report": held.meta.get("report"), "raw": raw,
        "status": "self" if held.self_asserted else held.status,
        "checked_at": held.meta.get("status_checked_at"), **extra,
    })


@router.get("/credentials/{credential_id}")
def detail(request: Request, user: User, credential_id: str) -> Response:
    return _detail(request, user, credential_id)


@router.post("/credentials/{credential_id}/recheck", dependencies=[fetches_for_learner()])
def recheck(request: Request, c: Ctx, user: User, credential_id: str,
            csrf: Annotated[str, Form()] = "") -> Response:
    """Verify the stored credential again now (status list fetched afresh)."""
    from rotonde.verify import verify
    from wallet.routes.receive import verify_options

    check_csrf(request, csrf)
    with c.db.session() as s:
        vault = vault_for(s, c.box, user.account_id)
        held = get_credential(s, vault, credential_id)
    if held is None:
        raise PageError(404, "error.not_found")
    report = verify(held.credential, verify_options(c)).to_dict()
    if held.self_asserted:
        keys = _keys(request, user)
        report = _self_report(held.credential, keys["ES256"], c)
    fresh = summarise(held.credential, report, fmt=held.format)
    meta = dict(held.meta)
    meta.update({"report": report, "status": fresh["status"], "verified": fresh["verified"],
                 "trusted": fresh["trusted"], "status_checked_at": c.clock.now()})
    with c.db.session() as s:
        update_meta(s, vault_for(s, c.box, user.account_id), credential_id, meta)
    return redirect(f"/credentials/{credential_id}")


@router.post("/credentials/{credential_id}/delete")
def remove(request: Request, c: Ctx, user: User, credential_id: str,
           csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, csrf)
    with c.db.session() as s:
        if not delete_credential(s, vault_for(s, c.box, user.account_id), credential_id):
            raise PageError(404, "error.not_found")
    return redirect("/?notice=detail.deleted")


def _passport(request: Request, user: SessionInfo) -> tuple[Passport, list[Held]]:
    from rotonde.learning.passport import passport

    c = context_of(request)
    with c.db.session() as s:
        items = list_credentials(s, vault_for(s, c.box, user.account_id))
    return passport(insight.evidence_of(items)), items


@router.get("/passport")
def passport_page(request: Request, user: User) -> Response:
    result, items = _passport(request, user)
    titles = {h.id: f"{h.title(lang_of(request))} ({_FORMATS.get(h.format, h.format)})"
              for h in items}
    return render(request, "passport.html", {"active": "passport", "entries": result.entries,
                                             "titles": titles})


@router.get("/progress", dependencies=[fetches_for_learner("url")])
def progress_page(request: Request, c: Ctx, user: User, pathway: str = "",
                  url: str = "") -> Response:
    from datetime import date

    from rotonde.learning.stacking import progress

    lang = lang_of(request)
    pathways = insight.load_pathways(c.settings.pathways_dir)
    with c.db.session() as s:
        items = list_credentials(s, vault_for(s, c.box, user.account_id))
    titles = {h.id: h.title(lang) for h in items}
    chosen = next((p for p in pathways if p["id"] == pathway), pathways[0] if pathways else None)
    result = None
    error = None
    if url:
        try:
            fetched = c.fetcher.get_json(url[:2000], max_bytes=256 * 1024,
                                         accept=("application/json",))
            if not isinstance(fetched, dict) or not isinstance(fetched.get("id"), str):
                raise ValidationError("pathway.malformed", "this is not a pathway document",
                                      message_nl="dit is geen leerroute-document")
            chosen = fetched
            pathways = [fetched, *[p for p in pathways if p["id"] != fetched["id"]]]
        except RotondeError as exc:
            error = problem_text(lang, exc)
    if chosen is not None and error is None:
        try:
            today = date.fromtimestamp(c.clock.now())
            result = progress(chosen, insight.evidence_of(items, one_per_achievement=True),
                              today=today)
        except RotondeError as exc:
            error = problem_text(lang, exc)
        except (KeyError, TypeError, ValueError):
            error = translator(lang)("progress.unavailable")
    return render(request, "progress.html", {
        "active": "progress", "pathways": pathways, "chosen": chosen, "result": result,
        "titles": titles, "error": error, "url": url,
    })


@router.get("/self-assessment")
def self_page(request: Request, user: User) -> Response:
    result, _ = _passport(request, user)
    return render(request, "self.html", {"active": "passport", "entries": result.entries})


@router.post("/self-assessment")
def self_save(
    request: Request, c: Ctx, user: User,
    csrf: Annotated[str, Form()] = "",
    skill: Annotated[str, Form(max_length=300)] = "",
    skill_title: Annotated[str, Form(max_length=300)] = "",
    skill_uri: Annotated[str, Form(max_length=300)] = "",
    level: Annotated[int, Form(ge=0, le=8)] = 0,
) -> Response:
    check_csrf(request, csrf)
    lang = lang_of(request)
    result, _ = _passport(request, user)
    uri, title = skill_uri, skill_title
    if skill:
        entry = result.entry(skill)
        if entry is not None:
            uri = entry.skill
            title = str(entry.title.get(lang) or entry.title.get("en") or entry.title.get("nl")
                        or skill)
    try:
        with c.db.session() as s:
            vault = vault_for(s, c.box, user.account_id)
            keys = holder_keys(s, vault)
            token, record = insight.make_self_assessment(
                skill_title=title, skill_uri=uri, level=level, lang=lang, holder=keys["ES256"],
                name=user.username, clock=c.clock)
            report = _self_report(token, keys["ES256"], c)
            meta = summarise(token, report, fmt="dc+sd-jwt")
            meta.update({"record": record, "title": record["title"], "level": record["level"],
                         "issuer": {"id": record["awarding_body"]["id"],
                                    "name": record["awarding_body"]["name"]},
                         "status": "valid", "verified": True})
            store_credential(s, vault, fmt="dc+sd-jwt", credential=token, meta=meta,
                             received_at=c.clock.now(), self_asserted=True)
    except RotondeError as exc:
        return render(request, "self.html", {"active": "passport", "entries": result.entries,
                                             "error": problem_text(lang, exc)}, status=422)
    return redirect("/passport")


def _keys(request: Request, user: SessionInfo) -> dict[str, PrivateKey]:
    c = context_of(request)
    with c.db.session() as s:
        return dict(holder_keys(s, vault_for(s, c.box, user.account_id)))


def _self_report(token: str | dict[str, Any], key: PrivateKey, c: WalletContext) -> dict[str, Any]:
    """Verify a self-assessment against the holder's own key (it is its own issuer)."""
    from rotonde.verify import VerifyOptions, verify

    options = VerifyOptions(issuer_key=key.public_key, clock=c.clock, check_status=False)
    return verify(token, options).to_dict()
