"""The wallet's sealed columns, for KEK rotation (:mod:`servicekit.rekey`).

Only the accounts' data keys are sealed under the server KEK (envelope encryption,
:mod:`wallet.vault`); everything personal is sealed under those data keys, so re-sealing the
data keys is the whole rotation.
"""

from __future__ import annotations

from servicekit.rekey import SealedColumn, rekey_database
from wallet.context import open_database, secret_box
from wallet.models import Account
from wallet.settings import WalletSettings
from wallet.vault import account_aad

__all__ = ["SEALED", "rekey_wallet"]

SEALED = (SealedColumn(Account.__table__, "data_key", lambda row: account_aad(row["id"])),)


def rekey_wallet(settings: WalletSettings) -> dict[str, int]:
    """Re-seal every data key not under the current KEK; counts per column."""
    return rekey_database(open_database(settings.validate()), secret_box(settings), SEALED)
