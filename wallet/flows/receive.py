"""Receiving credentials, the wallet's part: what it does with what the issuer sent.

The OpenID4VCI 1.0 protocol (reading the offer, issuer metadata, token, nonce and credential
requests) is the core's client, :mod:`rotonde.oid4vci.client`
(:func:`~rotonde.oid4vci.read_offer`, :func:`~rotonde.oid4vci.fetch_issuer_metadata`,
:func:`~rotonde.oid4vci.redeem`). Here:

* :func:`received` — the :class:`~rotonde.oid4vci.Issued` items as the wallet keeps them.
* :func:`check_received` — every credential is verified with :func:`rotonde.verify.verify` on
  receipt. **Policy: a credential that fails verification is refused and never stored**; the page
  shows the report so the learner can tell the issuer what is wrong.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rotonde.errors import Problem
from rotonde.keys import PrivateKey
from rotonde.oid4vci import Issued
from rotonde.verify import VerifyOptions

__all__ = ["Received", "check_received", "received"]


@dataclass
class Received:
    """One credential as it came back from the issuer, with its verification report."""

    config_id: str
    format: str
    #: Whatever the issuer sent (any JSON value) until :func:`check_received` kept it as a
    #: token or a JSON document.
    credential: Any
    report: dict[str, Any] = field(default_factory=dict)
    verified: bool = False
    problems: list[Problem] = field(default_factory=list)


def received(issued: Iterable[Issued]) -> list[Received]:
    """What :func:`rotonde.oid4vci.redeem` returned, ready for :func:`check_received`."""
    return [Received(i.config_id, i.format, i.credential, problems=list(i.problems))
            for i in issued]


def check_received(items: list[Received], options: VerifyOptions,
                   keys: dict[str, PrivateKey]) -> None:
    """Verify each received credential in place (``report``, ``verified``, ``problems``), with
    the engine's ``holder_key`` check: it must be bound to one of this account's holder keys."""
    from dataclasses import replace

    from rotonde.verify import HolderKeyCheck, verify

    options = replace(options, policies=(*options.policies, HolderKeyCheck.of(keys.values())))
    for item in items:
        if item.credential is None:
            continue
        data = item.credential
        if isinstance(data, str) and data.strip().startswith("{"):
            try:
                data = json.loads(data)
            except ValueError:
                pass
        if not isinstance(data, (str, dict)):
            item.problems.append(Problem(
                "credential.malformed", "the issuer sent something that is not a credential",
                "de uitgever stuurde iets dat geen bewijs is"))
            continue
        item.credential = data
        report = verify(data, options)
        item.report = report.to_dict()
        item.verified = report.verified
        item.problems.extend(p for c in report.checks if c.outcome == "failed" and c.fatal
                             for p in c.problems)
