"""Presenting to a verifier (OpenID4VP): the https ``/authorize`` link, paste box, QR upload,
the consent page and the outcome; and the disclosure history."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from rotonde import oid4vp
from rotonde.errors import RotondeError
from rotonde.oid4vp import ClaimPath
from servicekit.pages import check_csrf, lang_of, redirect, render
from wallet.flows import present as flow
from wallet.flows.accounts import SessionInfo, holder_keys, vault_for
from wallet.flows.insight import disclosed_rows
from wallet.flows.pending import drop_flow, load_flow, start_flow
from wallet.flows.store import Held, list_credentials, list_history, log_disclosure
from wallet.i18n import claim_label, problem_text, translator
from wallet.pages import context_of, flow_or_gone, link_or_qr
from wallet.routes.deps import Ctx, PageForm, User, fetches_for_learner

__all__ = ["router"]

router = APIRouter()


def _page(request: Request, user: SessionInfo, error: RotondeError | None = None,
          text: str = "", status: int = 200) -> Response:
    from wallet.flows.share import list_shares

    c = context_of(request)
    lang = lang_of(request)
    with c.db.session() as s:
        vault = vault_for(s, c.box, user.account_id)
        items = [h for h in list_credentials(s, vault) if h.format == "dc+sd-jwt"]
        shares = list_shares(s, vault, c.clock.now())[:10]
    return render(request, "present.html", {
        "active": "present", "error": problem_text(lang, error) if error else None,
        "request_text": text, "credentials": [{"id": h.id, "title": h.title(lang)}
                                              for h in items],
        "shares": shares,
    }, status=status)


def _label(path: ClaimPath) -> str:
    return " › ".join("*" if p is None else str(p) for p in path)


def _prepare(request: Request, user: SessionInfo, text: str) -> Response:
    from rotonde.did import Resolver

    c = context_of(request)
    try:
        view = flow.read_request(text, fetcher=c.fetcher, resolver=Resolver(c.fetcher),
                                 clock=c.clock, allow_http=c.settings.dev,
                                 trusted=c.settings.trusted_verifiers)
    except RotondeError as exc:
        return _page(request, user, exc, text, status=400)
    with c.db.session() as s:
        vault = vault_for(s, c.box, user.account_id)
        flow_id = start_flow(s, vault, "present", {
            "request": view.request, "signed": view.signed, "trusted": view.trusted,
        }, c.clock.now())
    return redirect(f"/present/{flow_id}")  # post/redirect/get: reload and language switch work


@router.get("/present/{flow_id}")
def consent_page(request: Request, c: Ctx, user: User, flow_id: str) -> Response:
    """What the verifier asks and what the learner would share, from the flow's stored
    request (read and checked once, when the link was opened)."""
    lang = lang_of(request)
    with c.db.session() as s:
        vault = vault_for(s, c.box, user.account_id)
        state = flow_or_gone(load_flow(s, vault, flow_id, "present", c.clock.now()))
        held = list_credentials(s, vault)
    view = flow.RequestView(state["request"], state["signed"], state["trusted"])
    found = flow.candidates(view.request, held)
    t = translator(lang)
    needed = {q for sets in flow.required_sets(view.request) for opt in sets for q in opt}
    queries = [{
        "id": qid, "required": qid in needed,
        "options": [{"id": cand.held.id, "title": cand.held.title(lang),
                     "issuer": cand.held.issuer_name(lang),
                     "claims": [claim_label(_label(p), t) for p in cand.paths
                                if p not in cand.optional]
                     if cand.held.format == "dc+sd-jwt" else [],
                     "optional": [{"value": json.dumps(list(p)),
                                   "label": claim_label(_label(p), t),
                                   "rows": disclosed_rows(cand.held, [p], lang)}
                                  for p in cand.optional]
                     if cand.held.format == "dc+sd-jwt" else [],
                     "rows": disclosed_rows(cand.held, [p for p in cand.paths
                                                        if p not in cand.optional], lang)
                     if cand.held.format == "dc+sd-jwt" else []}
                    for cand in cands],
    } for qid, cands in found.items()]
    can_answer = all(
        any(all(found.get(q) for q in opt) for opt in sets)
        for sets in flow.required_sets(view.request))
    return render(request, "consent.html", {
        "active": "present", "flow_id": flow_id, "view": view, "queries": queries,
        "can_answer": can_answer,
    })


@router.get("/authorize", dependencies=[fetches_for_learner()])
def authorize(request: Request, user: User) -> Response:
    """The wallet's https entry point for OpenID4VP requests (a phone camera opens it)."""
    if not request.url.query:
        return _page(request, user)
    return _prepare(request, user, "openid4vp://?" + request.url.query)


@router.get("/present")
def present_page(request: Request, user: User) -> Response:
    return _page(request, user)


@router.post("/present", dependencies=[fetches_for_learner()])
def present_submit(
    request: Request, user: User,
    csrf: Annotated[str, Form()] = "",
    request_link: Annotated[str, Form(max_length=8192)] = "",
    image: Annotated[UploadFile | str | None, File()] = None,
) -> Response:
    check_csrf(request, csrf)
    try:
        text = link_or_qr(request_link, image, context_of(request).settings.max_upload_bytes)
    except RotondeError as exc:
        return _page(request, user, exc, status=400)
    return _prepare(request, user, text)


@router.post("/present/{flow_id}", dependencies=[fetches_for_learner()])
def present_answer(request: Request, c: Ctx, user: User, flow_id: str,
                   form: PageForm) -> Response:
    check_csrf(request, str(form.get("csrf", "")))
    lang = lang_of(request)
    with c.db.session() as s:
        vault = vault_for(s, c.box, user.account_id)
        state = flow_or_gone(load_flow(s, vault, flow_id, "present", c.clock.now()))
        drop_flow(s, vault, flow_id)
        held = {h.id: h for h in list_credentials(s, vault)}
        keys = holder_keys(s, vault)
    req = state["request"]
    verifier = flow.RequestView(req, state["signed"], state["trusted"]).verifier_name
    def outcome(status: int, **values: Any) -> Response:
        with c.db.session() as s:
            done = start_flow(s, vault_for(s, c.box, user.account_id), "outcome",
                              {"verifier": verifier, "status": status, **values}, c.clock.now())
        return redirect(f"/present/{done}/outcome")

    if form.get("action") != "share":
        return outcome(200, ok=False, declined=True)
    found = flow.candidates(req, list(held.values()))
    chosen: dict[str, tuple[Held, list[ClaimPath]]] = {}
    for qid, cands in found.items():
        pick = str(form.get(f"cred_{qid}", ""))
        cand = next((x for x in cands if x.held.id == pick), None)
        if cand is None:
            continue
        kept = []
        for raw in form.getlist(f"opt_{qid}_{cand.held.id}")[:100]:
            try:  # a claims path pointer (OpenID4VP 1.0 §7); anything else keeps nothing
                kept.append(oid4vp.parse_path(json.loads(str(raw))))
            except (ValueError, RotondeError):
                continue
        try:
            chosen[qid] = (cand.held, cand.disclose(kept))
        except RotondeError as exc:
            return outcome(422, ok=False, problem=exc.problems[0].to_dict())
    answered = set(chosen)
    if not chosen or not all(any(set(opt) <= answered for opt in sets)
                             for sets in flow.required_sets(req)):
        return outcome(422, ok=False, message="present.none_match")
    try:
        vp_token = flow.build_vp_token(req, chosen, keys=keys, clock=c.clock)
        result = flow.send_response(req, vp_token, fetcher=c.fetcher)
    except RotondeError as exc:
        result = {"ok": False, "redirect_uri": None, "problem": exc.problems[0].to_dict()}
    if result["ok"]:
        with c.db.session() as s:
            log_disclosure(s, vault_for(s, c.box, user.account_id), c.clock.now(), {
                "kind": "oid4vp", "to": verifier, "client_id": req["client_id"],
                "trusted": state["trusted"],
                "claims": [{"credential": h.title(lang), "credential_id": h.id,
                            "paths": [_label(p) for p in paths] or ["*"]}
                           for h, paths in chosen.values()],
            })
    return outcome(200 if result["ok"] else 502, ok=result["ok"],
                   redirect_uri=result.get("redirect_uri"), problem=result.get("problem"))


@router.get("/present/{flow_id}/outcome")
def outcome_page(request: Request, c: Ctx, user: User, flow_id: str) -> Response:
    """How sharing ended, as long as the flow lives (post/redirect/get): shared, declined or
    why not — in the words of the language the page is read in."""
    lang = lang_of(request)
    with c.db.session() as s:
        vault = vault_for(s, c.box, user.account_id)
        state = flow_or_gone(load_flow(s, vault, flow_id, "outcome", c.clock.now()))
    problem = state.get("problem")
    text = (problem_text(lang, problem) if problem else
            translator(lang)(state["message"]) if state.get("message") else None)
    return render(request, "outcome.html", {
        "active": "present", "ok": state["ok"], "declined": state.get("declined", False),
        "verifier": state["verifier"], "redirect_uri": state.get("redirect_uri"),
        "problem": text}, status=int(state["status"]))


@router.get("/history")
def history(request: Request, c: Ctx, user: User) -> Response:
    with c.db.session() as s:
        entries = list_history(s, vault_for(s, c.box, user.account_id))
    return render(request, "history.html", {"active": "history", "entries": entries})
