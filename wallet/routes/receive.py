"""Receiving: the https Credential Offer Endpoint, the paste box, QR upload, PIN and result."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response

from rotonde import oid4vci
from rotonde.errors import RotondeError
from rotonde.verify import VerifyOptions
from servicekit.pages import PageError, check_csrf, lang_of, redirect, render
from wallet.context import WalletContext
from wallet.flows import receive as flow
from wallet.flows.accounts import SessionInfo, holder_keys, vault_for
from wallet.flows.pending import drop_flow, load_flow, start_flow, update_flow
from wallet.flows.store import store_credential, summarise
from wallet.i18n import problem_text
from wallet.pages import context_of, flow_or_gone, link_or_qr
from wallet.routes.deps import Ctx, User, fetches_for_learner

__all__ = ["router", "verify_options"]

router = APIRouter()

#: Wrong PINs the wallet lets a learner try for one offer before asking for a new offer.
PIN_ATTEMPTS = 5


def verify_options(c: WalletContext) -> VerifyOptions:
    """How the wallet verifies: DIDs and issuer metadata through the one Fetcher, status on,
    and the issuer trust list (if configured) as advisory: a learner holds credentials from
    any issuer, labelled when the issuer is not on the list (``trust`` failed, not fatal);
    whoever relies on a credential judges trust themselves (the verifier keeps it fatal)."""
    from rotonde.did import Resolver

    return VerifyOptions(fetcher=c.fetcher, resolver=Resolver(c.fetcher), clock=c.clock,
                         check_status=True, trust_list=c.extra.get("trust_list"),
                         trust_required=False)


def _page(request: Request, error: RotondeError | str | None = None, text: str = "",
          status: int = 200) -> Response:
    message = error if isinstance(error, str) else (
        problem_text(lang_of(request), error) if error else None)
    return render(request, "receive.html", {"active": "receive", "error": message,
                                            "offer_text": text}, status=status)


def _prepare(request: Request, user: SessionInfo, text: str) -> Response:
    """Read the offer and the issuer metadata, then ask the learner (PIN, accept)."""
    c = context_of(request)
    try:
        offer = oid4vci.read_offer(text=text, fetcher=c.fetcher)
        info = oid4vci.fetch_issuer_metadata(issuer=offer.credential_issuer, fetcher=c.fetcher)
        for cid in offer.credential_configuration_ids:
            info.configuration(cid)  # every offered configuration is in the metadata
    except RotondeError as exc:
        return _page(request, exc, text, status=400)
    with c.db.session() as s:
        vault = vault_for(s, c.box, user.account_id)
        flow_id = start_flow(s, vault, "offer", {
            "offer": offer.to_dict(), "metadata": info.metadata,
            "token_endpoint": info.token_endpoint,
        }, c.clock.now())
    return redirect(f"/receive/{flow_id}")  # post/redirect/get: reload and language switch work


def _offer_page(request: Request, flow_id: str, state: dict[str, Any], error: str = "",
                status: int = 200) -> Response:
    """The offer (what is offered, by whom, the PIN box) from the flow's stored state; an
    ``error`` code from the last attempt is said in the reader's words."""
    lang = lang_of(request)
    info = oid4vci.IssuerInfo(state["metadata"], state["token_endpoint"])
    grant = state["offer"]["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]
    offered = [{"id": cid, "label": info.label(cid, lang),
                "format": info.configuration(cid)["format"]}
               for cid in state["offer"]["credential_configuration_ids"]]
    return render(request, "offer.html", {
        "active": "receive", "flow_id": flow_id, "issuer": info.issuer,
        "issuer_name": info.name(lang), "offered": offered, "tx_code": grant.get("tx_code"),
        "error": problem_text(lang, {"code": error}) if error else None,
    }, status=status)


@router.get("/receive/{flow_id}")
def receive_offer(request: Request, c: Ctx, user: User, flow_id: str,
                  error: Annotated[str, Query(max_length=100, pattern=r"^[a-z0-9_.-]*$")] = "",
                  ) -> Response:
    """The offer of a started flow (the page after the link was read, and after a wrong
    PIN: the attempt's problem code is in the URL, so a reload or language switch keeps it)."""
    with c.db.session() as s:
        vault = vault_for(s, c.box, user.account_id)
        state = flow_or_gone(load_flow(s, vault, flow_id, "offer", c.clock.now()))
    return _offer_page(request, flow_id, state, error, status=400 if error else 200)


@router.get("/offer", dependencies=[fetches_for_learner()])
def offer_endpoint(request: Request, user: User) -> Response:
    """The wallet's https Credential Offer Endpoint (OpenID4VCI 1.0 §4.1): a phone camera opens
    the issuer's QR code here."""
    query = request.url.query
    if "credential_offer" not in query:
        return _page(request)
    return _prepare(request, user, oid4vci.offer_link_from_query(query))


@router.get("/receive")
def receive_page(request: Request, user: User) -> Response:
    return _page(request)


@router.post("/receive", dependencies=[fetches_for_learner()])
def receive_submit(
    request: Request, user: User,
    csrf: Annotated[str, Form()] = "",
    offer: Annotated[str, Form(max_length=16384)] = "",
    image: Annotated[UploadFile | str | None, File()] = None,
) -> Response:
    check_csrf(request, csrf)
    try:
        text = link_or_qr(offer, image, context_of(request).settings.max_upload_bytes)
    except RotondeError as exc:
        return _page(request, exc, status=400)
    return _prepare(request, user, text)


@router.post("/receive/{flow_id}", dependencies=[fetches_for_learner()])
def receive_accept(
    request: Request, c: Ctx, user: User,
    flow_id: str,
    csrf: Annotated[str, Form()] = "",
    tx_code: Annotated[str, Form(max_length=64)] = "",
    action: Annotated[str, Form()] = "accept",
) -> Response:
    check_csrf(request, csrf)
    lang = lang_of(request)
    with c.db.session() as s:
        vault = vault_for(s, c.box, user.account_id)
        state = flow_or_gone(load_flow(s, vault, flow_id, "offer", c.clock.now()))
        keys = holder_keys(s, vault)
        if action != "accept":
            drop_flow(s, vault, flow_id)
            return redirect("/")
    info = oid4vci.IssuerInfo(state["metadata"], state["token_endpoint"])
    try:
        items = flow.received(oid4vci.redeem(
            offer=state["offer"], info=info, tx_code=tx_code.strip() or None, keys=keys,
            fetcher=c.fetcher, clock=c.clock))
    except RotondeError as exc:
        if exc.code in ("offer.invalid_grant", "offer.pin_missing"):
            # at most PIN_ATTEMPTS wrong PINs per offer on this side too (the issuer burns
            # its code after its own limit)
            state["pin_failures"] = int(state.get("pin_failures", 0)) + 1
            locked = state["pin_failures"] >= PIN_ATTEMPTS
            with c.db.session() as s:
                vault = vault_for(s, c.box, user.account_id)
                if locked:
                    drop_flow(s, vault, flow_id)
                else:
                    update_flow(s, vault, flow_id, "offer", state)
            if locked:
                raise PageError(429, "receive.pin_locked") from None
        return redirect(f"/receive/{flow_id}?" + urlencode({"error": exc.code}))
    flow.check_received(items, verify_options(c), keys)
    results: list[dict[str, Any]] = []
    with c.db.session() as s:
        vault = vault_for(s, c.box, user.account_id)
        now = c.clock.now()
        for item in items:
            result: dict[str, Any] = {"config_id": item.config_id,
                                      "format": item.format, "report": item.report,
                                      "verified": item.verified,
                                      "problems": [p.to_dict() for p in item.problems]}
            if item.verified:
                meta = summarise(item.credential, item.report, fmt=item.format, extra={
                    "status_checked_at": now, "credential_issuer": info.issuer,
                    "config_id": item.config_id, "issuer_display": info.name(lang),
                })
                result["id"] = store_credential(s, vault, fmt=item.format,
                                                credential=item.credential, meta=meta,
                                                received_at=now)
                result["trusted"] = meta["trusted"]
            results.append(result)
        drop_flow(s, vault, flow_id)
        done = start_flow(s, vault, "received", {
            "results": results, "metadata": state["metadata"],
            "token_endpoint": state["token_endpoint"]}, now)
    return redirect(f"/received/{done}")


@router.get("/received/{flow_id}")
def received_page(request: Request, c: Ctx, user: User, flow_id: str) -> Response:
    """What was received and stored (or refused), as long as the flow lives: a reload or a
    language switch shows it again (post/redirect/get)."""
    lang = lang_of(request)
    with c.db.session() as s:
        vault = vault_for(s, c.box, user.account_id)
        state = flow_or_gone(load_flow(s, vault, flow_id, "received", c.clock.now()))
    info = oid4vci.IssuerInfo(state["metadata"], state["token_endpoint"])
    results = [{**r, "label": info.label(r["config_id"], lang)} for r in state["results"]]
    status = 200 if all(r["verified"] for r in results) else 422
    return render(request, "received.html", {"active": "receive", "results": results,
                                             "issuer_name": info.name(lang)}, status=status)
