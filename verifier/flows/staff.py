"""Staff accounts for the employer pages (:mod:`servicekit.accounts` over the verifier's
tables): added and removed with ``rotonde verifier staff add|remove``, signed in at ``/login``.
"""

from __future__ import annotations

import secrets

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from rotonde.clock import Clock
from rotonde.errors import PolicyError, ValidationError
from servicekit.accounts import AccountModels, Accounts, SessionInfo, check_new, hash_password
from verifier.models import StaffLoginFailure, StaffMember, StaffSession

__all__ = ["STAFF", "SessionInfo", "add_staff", "remove_staff"]

#: Sign-in, sessions and throttling over the verifier's staff tables.
STAFF = Accounts(AccountModels(account=StaffMember, session=StaffSession,
                               failure=StaffLoginFailure))


def add_staff(s: Session, clock: Clock, username: str, password: str) -> str:
    """Create a staff account; returns its id. ``account.username_taken`` if the name exists."""
    name = check_new(username, password)
    if s.scalar(select(StaffMember.id).where(StaffMember.username == name)) is not None:
        raise ValidationError(
            "account.username_taken", "this name is already in use",
            message_nl="deze naam is al in gebruik", pointer="/username",
        )
    staff_id = secrets.token_hex(16)
    s.add(StaffMember(id=staff_id, username=name, password_hash=hash_password(password),
                      created_at=clock.now()))
    return staff_id


def remove_staff(s: Session, username: str) -> None:
    """Delete a staff account and end its sessions."""
    staff_id = s.scalar(select(StaffMember.id).where(
        StaffMember.username == username.strip().lower()))
    if staff_id is None:
        raise PolicyError("account.unknown", "no such account", message_nl="onbekend account")
    s.execute(delete(StaffSession).where(StaffSession.account_id == staff_id))
    s.execute(delete(StaffMember).where(StaffMember.id == staff_id))
