"""Backup export (download) and restore (upload) pages."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response

from rotonde.errors import RotondeError, ValidationError
from servicekit.pages import check_csrf, lang_of, redirect, render
from wallet.flows.accounts import vault_for
from wallet.flows.backup import export_backup, restore_backup
from wallet.i18n import plural, problem_text
from wallet.pages import read_upload
from wallet.routes.deps import Ctx, User

__all__ = ["router"]

router = APIRouter()


def _page(request: Request, *, error: str | None = None, notice: str | None = None,
          status: int = 200) -> Response:
    return render(request, "backup.html", {"active": "backup", "error": error,
                                           "notice": notice}, status=status)


@router.get("/backup")
def backup_page(
    request: Request, user: User,
    error: Annotated[str, Query(max_length=100, pattern=r"^[a-z0-9_.-]*$")] = "",
    restored: Annotated[int | None, Query(ge=0, le=1_000_000)] = None,
) -> Response:
    """The backup page; after an export or import (post/redirect/get) the outcome is in the
    URL — a problem code or the number restored — so a reload or language switch keeps it."""
    lang = lang_of(request)
    if error:
        return _page(request, error=problem_text(lang, {"code": error}), status=422)
    if restored is not None:
        return _page(request, notice=plural(lang, "backup.restored", "backup.restored_plural",
                                            restored))
    return _page(request)


def _after(problem: RotondeError | None = None, restored: int | None = None) -> Response:
    query = {"error": problem.code} if problem else {"restored": restored}
    return redirect("/backup?" + urlencode(query))


@router.post("/backup/export")
def backup_export(
    request: Request, c: Ctx, user: User,
    csrf: Annotated[str, Form()] = "",
    passphrase: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    check_csrf(request, csrf)
    try:
        with c.db.session() as s:
            data = export_backup(s, vault_for(s, c.box, user.account_id), passphrase=passphrase,
                                 clock=c.clock)
    except RotondeError as exc:
        return _after(exc)
    return Response(data, media_type="application/json", headers={
        "Content-Disposition": 'attachment; filename="rotonde-wallet-backup.json"',
        "Cache-Control": "no-store",
    })


@router.post("/backup/import")
def backup_import(
    request: Request, c: Ctx, user: User,
    csrf: Annotated[str, Form()] = "",
    passphrase: Annotated[str, Form(max_length=1024)] = "",
    file: Annotated[UploadFile | str | None, File()] = None,
) -> Response:
    check_csrf(request, csrf)
    data = read_upload(file, c.settings.max_upload_bytes)
    if data is None:
        return _after(ValidationError("backup.no_file", "choose a backup file",
                                      message_nl="kies een back-upbestand"))
    try:
        with c.db.session() as s:
            count = restore_backup(s, vault_for(s, c.box, user.account_id), data,
                                   passphrase=passphrase)
    except RotondeError as exc:
        return _after(exc)
    return _after(restored=count)
