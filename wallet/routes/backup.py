"""Backup export (download) and restore (upload) pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from rotonde.errors import RotondeError
from servicekit.pages import check_csrf, lang_of, render
from wallet.flows.accounts import vault_for
from wallet.flows.backup import export_backup, restore_backup
from wallet.i18n import problem_text, translator
from wallet.pages import read_upload
from wallet.routes.deps import Ctx, User

__all__ = ["router"]

router = APIRouter()


def _page(request: Request, *, error: str | None = None, notice: str | None = None,
          status: int = 200) -> Response:
    return render(request, "backup.html", {"active": "backup", "error": error,
                                           "notice": notice}, status=status)


@router.get("/backup")
def backup_page(request: Request, user: User) -> Response:
    return _page(request)


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
        return _page(request, error=problem_text(lang_of(request), exc), status=422)
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
    lang = lang_of(request)
    data = read_upload(file, c.settings.max_upload_bytes)
    if data is None:
        text = translator(lang)("backup.choose_file")
        return _page(request, error=text, status=422)
    try:
        with c.db.session() as s:
            count = restore_backup(s, vault_for(s, c.box, user.account_id), data,
                                   passphrase=passphrase)
    except RotondeError as exc:
        return _page(request, error=problem_text(lang, exc), status=422)
    return _page(request, notice=translator(lang)("backup.restored", n=count))
