"""Provider API ``/api/v1`` (Bearer API key per tenant, with scopes).

Achievement catalogue CRUD, issuing to a learner (single, or a batch job of up to 10,000),
listing/searching issued credentials, and revoke / suspend / reinstate. POSTs honour an
``Idempotency-Key`` header. A batch answers 202 with ``Location``; its item list and the
credentials list are paged (``total``, ``next`` and an RFC 8288 ``Link`` header,
:mod:`issuer.routes._paging`); a finished batch sends the tenant's signed ``batch.completed``
webhook (docs/webhooks.md). Errors are RFC 9457 problem+json with field-level ``errors``.
A key only ever sees its own tenant's objects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Header, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from issuer.flows import batch as batch_flow
from issuer.flows import catalogue, issuing
from issuer.flows.apikeys import Principal
from issuer.flows.idempotency import run_idempotent
from issuer.flows.tenants import Tenant
from issuer.routes._batch_upload import BatchUpload
from issuer.routes._paging import LINK_HEADER, paged
from issuer.routes.deps import Ctx, require_scope

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["Provider API"])

Auth = tuple[Principal, Tenant]
ReadAch = Annotated[Auth, Depends(require_scope("achievements:read"))]
WriteAch = Annotated[Auth, Depends(require_scope("achievements:write"))]
Issue = Annotated[Auth, Depends(require_scope("issue"))]
ReadCred = Annotated[Auth, Depends(require_scope("credentials:read"))]
WriteStatus = Annotated[Auth, Depends(require_scope("status:write"))]
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200,
                                       description="Makes a retried POST safe")]

PROBLEM = {"content": {"application/problem+json": {"example": {
    "type": "https://rotonde.dev/problems/validation.invalid", "title": "Unprocessable content",
    "status": 422, "code": "record.required", "detail": "…",
    "errors": [{"pointer": "/learning_outcomes/0/skill", "code": "record.pattern",
                "message": "…", "message_nl": "…"}]}}}}
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "missing or invalid API key", **PROBLEM},
    403: {"description": "API key lacks the scope", **PROBLEM},
    422: {"description": "invalid input, with field errors", **PROBLEM},
}

EXAMPLE_TEMPLATE: dict[str, Any] = {
    "kind": "microcredential",
    "title": {"nl": "Lassen MIG/MAG basis", "en": "MIG/MAG welding, basic"},
    "learning_outcomes": [{"skill": "http://data.europa.eu/esco/skill/S6.6.1",
                           "title": {"nl": "Lassen", "en": "Welding"}}],
    "level": {"framework": "NLQF", "value": 2, "source": "institution"},
    "workload": {"hours": 40},
    "assessment": {"type": "practical_exam"},
    "participation": "on_site",
    "quality_assurance": {"type": "accredited_institution"},
    "assurance": "assessed",
}


class Achievement(BaseModel):
    id: str
    template: dict[str, Any]
    created_at: float
    updated_at: float




class Learner(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200, examples=["Sanne de Vries"])
    id: str | None = Field(default=None, max_length=500)
    identifier: str | None = Field(default=None, max_length=200)
    birth_date: str | None = Field(default=None, examples=["2001-04-17"])


class IssueRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "achievement_id": "0b7c…", "learner": {"name": "Sanne de Vries"},
        "learner_ref": "student-48213", "award_date": "2026-06-30"}]})
    achievement_id: str = Field(min_length=1, max_length=64)
    learner: Learner
    award_date: str | None = None
    learner_ref: str | None = Field(default=None, max_length=200)
    configurations: list[str] | None = Field(default=None, max_length=5)
    extra: dict[str, Any] | None = Field(
        default=None, description="per-learner record members: only `grade`; everything else "
                                  "comes from the catalogue entry (422 "
                                  "`issue.extra_not_allowed` otherwise)",
        examples=[{"grade": {"value": "8,2", "scale": "1-10"}}])


class Offer(BaseModel):
    id: str
    credential_offer_uri: str
    offer_uri: str
    offer_page: str
    tx_code: str
    expires_at: str


class IssueResponse(BaseModel):
    id: str
    offer: Offer


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[IssueRequest] = Field(min_length=1, max_length=10_000)


class Job(BaseModel):
    id: str
    state: Literal["pending", "running", "done"]
    total: int
    done: int
    failed: int
    progress: float
    webhook_status: int | None = Field(
        default=None, description="HTTP status of the `batch.completed` webhook once sent "
                                  "(0: not delivered); null: not sent (not done yet, or the "
                                  "tenant has no webhook)")


class JobItem(BaseModel):
    seq: int = Field(description="position of the item in the request's `items`, from 0")
    learner_ref: str | None = Field(description="the `learner_ref` the item was sent with")
    state: Literal["pending", "working", "done", "failed"]
    result: IssueResponse | None = None
    errors: list[dict[str, Any]] | None = None


class Page(BaseModel):
    total: int = Field(description="items in the whole list")
    offset: int
    limit: int
    next: str | None = Field(description="URL of the next page (also in the `Link` header); "
                                         "null on the last page")


class AchievementList(Page):
    items: list[Achievement]


class JobItemList(Page):
    items: list[JobItem]


class IssuedCredential(BaseModel):
    id: str
    achievement_id: str
    title: str
    learner_ref: str | None
    state: Literal["offered", "issued"]
    status: Literal["active", "revoked", "suspended"]
    status_reason: str | None
    created_at: str
    redeemed_at: str | None
    details_erased: bool


class IssuedList(Page):
    items: list[IssuedCredential]


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=500, examples=["diploma fraud established"])


def _respond(status: int, body: Any, replayed: bool) -> JSONResponse:
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    return JSONResponse(body, status_code=status, headers=headers)


@router.post("/achievements", summary="Add an achievement to the catalogue", status_code=201,
             response_model=Achievement, responses=ERRORS)
def create_achievement(
    request: Request, ctx: Ctx, auth: WriteAch,
    template: Annotated[dict[str, Any], Body(examples=[EXAMPLE_TEMPLATE])],
    idem: IdemKey = None,
) -> JSONResponse:
    principal, tenant = auth
    status, body, again = run_idempotent(
        ctx, tenant.id, idem, ["POST", request.url.path, template],
        lambda: (201, catalogue.create_achievement(ctx, tenant, template, actor=principal.actor)))
    return _respond(status, body, again)


@router.get("/achievements", summary="List the catalogue", response_model=AchievementList,
            responses={200: {"headers": LINK_HEADER}, **ERRORS})
def list_achievements(
    ctx: Ctx, auth: ReadAch, limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> JSONResponse:
    """Oldest first; ``total`` and the ``next`` page (body and ``Link`` header)."""
    tenant = auth[1]
    items = catalogue.list_achievements(ctx, tenant, limit=limit, offset=offset)
    return paged(ctx, "/api/v1/achievements", filters={},
                 total=catalogue.count_achievements(ctx, tenant), offset=offset, limit=limit,
                 items=items)


@router.get("/achievements/{achievement_id}", summary="Read one achievement",
            response_model=Achievement, responses={404: PROBLEM, **ERRORS})
def get_achievement(ctx: Ctx, auth: ReadAch, achievement_id: str) -> dict[str, Any]:
    return catalogue.get_achievement(ctx, auth[1], achievement_id)


@router.put("/achievements/{achievement_id}", summary="Replace an achievement",
            response_model=Achievement, responses={404: PROBLEM, **ERRORS})
def put_achievement(
    ctx: Ctx, auth: WriteAch, achievement_id: str,
    template: Annotated[dict[str, Any], Body(examples=[EXAMPLE_TEMPLATE])],
) -> dict[str, Any]:
    principal, tenant = auth
    return catalogue.update_achievement(ctx, tenant, achievement_id, template,
                                        actor=principal.actor)


@router.delete("/achievements/{achievement_id}", summary="Remove an achievement",
               status_code=204, responses={404: PROBLEM, **ERRORS})
def delete_achievement(ctx: Ctx, auth: WriteAch, achievement_id: str) -> None:
    principal, tenant = auth
    catalogue.delete_achievement(ctx, tenant, achievement_id, actor=principal.actor)


@router.post("/credentials", summary="Issue an achievement to a learner (creates an offer)",
             status_code=201, response_model=IssueResponse, responses=ERRORS)
def issue(request: Request, ctx: Ctx, auth: Issue, payload: IssueRequest,
          idem: IdemKey = None) -> JSONResponse:
    principal, tenant = auth
    data = payload.model_dump(exclude_none=True)

    def run() -> tuple[int, Any]:
        result = issuing.issue_to_learner(
            ctx, tenant, achievement_id=payload.achievement_id, learner=data["learner"],
            award_date=payload.award_date, learner_ref=payload.learner_ref,
            configurations=payload.configurations, extra=payload.extra, actor=principal.actor)
        return 201, result.to_dict()

    status, body, again = run_idempotent(ctx, tenant.id, idem,
                                         ["POST", request.url.path, data], run)
    return _respond(status, body, again)


_BATCH_SCHEMA = {k: v for k, v in BatchRequest.model_json_schema(
    ref_template="#/components/schemas/{model}").items() if k != "$defs"}


@router.post("/batches", summary="Issue to many learners as a background job",
             status_code=202, response_model=Job,
             responses={202: {"description": "Accepted: the job is queued; poll `Location`",
                              "headers": {"Location": {
                                  "description": "URL of the job (`GET /api/v1/batches/{id}`)",
                                  "schema": {"type": "string", "format": "uri"}}}},
                        413: {"description": "an item or the body is too large", **PROBLEM},
                        **ERRORS},
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/json": {"schema": _BATCH_SCHEMA}}}})
async def create_batch(request: Request, ctx: Ctx, auth: Issue,
                       idem: IdemKey = None) -> JSONResponse:
    """Answers 202 with ``Location`` (the job's URL) at once; the items are issued in the
    background. The body is read item by item (``_batch_upload``): an item over
    ``batch_item_max_bytes`` or an invalid one refuses the batch at once. When the job is
    done, the tenant's ``batch.completed`` webhook is sent (signed; docs/webhooks.md)."""
    settings = ctx.settings
    upload = BatchUpload(IssueRequest, max_items=settings.batch_max_items,
                         max_item_bytes=settings.batch_item_max_bytes)
    await upload.read(request)
    return await run_in_threadpool(_create_batch, request, ctx, auth, upload, idem)


def _create_batch(request: Request, ctx: Ctx, auth: Auth, upload: BatchUpload,
                  idem: str | None) -> JSONResponse:
    principal, tenant = auth
    status, body, again = run_idempotent(
        ctx, tenant.id, idem, ["POST", request.url.path, upload.digest],
        lambda: (202, batch_flow.create_job_from_json(ctx, tenant, upload.items,
                                                      actor=principal.actor)))
    worker = getattr(request.app.state, "batch_worker", None)
    if worker is not None:
        worker.wake()
    response = _respond(status, body, again)
    if status == 202:
        response.headers["Location"] = f"{ctx.settings.base_url}/api/v1/batches/{body['id']}"
    return response


@router.get("/batches/{job_id}", summary="Progress of a batch job", response_model=Job,
            responses={404: PROBLEM, **ERRORS})
def get_batch(ctx: Ctx, auth: Issue, job_id: str) -> dict[str, Any]:
    return batch_flow.get_job(ctx, auth[1], job_id)


@router.get("/batches/{job_id}/items", summary="Per-item results of a batch job",
            response_model=JobItemList,
            responses={200: {"headers": LINK_HEADER}, 404: PROBLEM, **ERRORS})
def get_batch_items(
    ctx: Ctx, auth: Issue, job_id: str, offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> JSONResponse:
    """The items in request order, each with the ``learner_ref`` it was sent with; ``total``
    and the ``next`` page (body and ``Link`` header)."""
    total, items = batch_flow.job_items(ctx, auth[1], job_id, offset=offset, limit=limit)
    return paged(ctx, f"/api/v1/batches/{job_id}/items", filters={}, total=total,
                 offset=offset, limit=limit, items=items)


@router.get("/credentials", summary="List and search issued credentials",
            response_model=IssuedList, responses={200: {"headers": LINK_HEADER}, **ERRORS})
def list_credentials(
    ctx: Ctx, auth: ReadCred,
    q: Annotated[str | None, Query(max_length=100, description="learner_ref or title")] = None,
    status: Literal["active", "revoked", "suspended"] | None = None,
    achievement_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> JSONResponse:
    """Newest first; ``total`` matches the filters, ``next`` keeps them (body and ``Link``)."""
    found = issuing.list_issued(ctx, auth[1], q=q, status=status, achievement_id=achievement_id,
                                limit=limit, offset=offset)
    return paged(ctx, "/api/v1/credentials",
                 filters={"q": q, "status": status, "achievement_id": achievement_id},
                 total=found["total"], offset=offset, limit=limit, items=found["items"])


@router.get("/credentials/{credential_id}", summary="Read one issued credential",
            response_model=IssuedCredential, responses={404: PROBLEM, **ERRORS})
def get_credential(ctx: Ctx, auth: ReadCred, credential_id: str) -> dict[str, Any]:
    return issuing.get_issued(ctx, auth[1], credential_id)


def _status_route(action: str) -> Callable[..., JSONResponse]:
    def handler(request: Request, ctx: Ctx, auth: WriteStatus, credential_id: str,
                payload: StatusChange, idem: IdemKey = None) -> JSONResponse:
        principal, tenant = auth
        status, body, again = run_idempotent(
            ctx, tenant.id, idem, ["POST", request.url.path, payload.reason],
            lambda: (200, issuing.change_status(ctx, tenant, credential_id, action,
                                                reason=payload.reason, actor=principal.actor)))
        return _respond(status, body, again)

    handler.__name__ = f"{action}_credential"
    return handler


for _action, _summary in (("revoke", "Revoke an issued credential (final)"),
                          ("suspend", "Suspend an issued credential"),
                          ("reinstate", "Reinstate a suspended credential")):
    router.add_api_route(
        f"/credentials/{{credential_id}}/{_action}", _status_route(_action), methods=["POST"],
        summary=_summary, response_model=IssuedCredential,
        responses={404: PROBLEM, 409: PROBLEM, **ERRORS},
    )
