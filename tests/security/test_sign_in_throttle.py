"""Sign-in throttling (:mod:`servicekit.throttle`) under real concurrency, and without locking
the owner out from elsewhere.

* 40 parallel wrong passwords against one account: at most the limit (5) are checked — over
  HTTP against two worker processes, and as concurrent transactions on SQLite and PostgreSQL
  (the review saw 19 checked).
* Wrong passwords from other addresses do not lock the owner out of a browser they signed in
  on before (the review: five from an attacker's address locked the owner out for 15 minutes);
  a new device is slowed down (a growing delay), not locked out.
* One address cannot spray guesses over many accounts.
"""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from rotonde.clock import SystemClock
from rotonde.errors import PolicyError
from tests._system import system_fixture
from tests.conftest import SettableClock
from tests.security._signin import STAFF, Browser, served_verifier, text_of
from tests.servers import free_port, serve
from tests.verifier._support import STAFF_PASSWORD, make_app

PARALLEL = 40
LIMIT = 5


@pytest.mark.system
def test_parallel_wrong_passwords_over_http_check_at_most_the_limit(tmp_path: Path) -> None:
    proc = served_verifier(tmp_path, workers=2)
    try:
        attacker = Browser(proc.url, address="127.0.0.2")
        token = attacker.form_token()
        answers: list[int] = []

        def guess(i: int) -> None:
            answers.append(attacker.fork().sign_in(f"guess number {i}", token=token).status_code)

        threads = [threading.Thread(target=guess, args=(i,)) for i in range(PARALLEL)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        statuses = Counter(answers)
        print(f"\n{PARALLEL} parallel wrong passwords: {dict(statuses)}")
        # 401 = the password was checked; 429 = refused unchecked; 503 = busy, unchecked
        assert set(statuses) <= {401, 429, 503} and sum(statuses.values()) == PARALLEL
        assert 1 <= statuses[401] <= LIMIT, statuses
    finally:
        proc.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.system)])
def staff_db(request: Any, tmp_path: Path) -> Any:
    from verifier.flows.context import open_database
    from verifier.flows.staff import add_staff
    from verifier.settings import VerifierSettings

    kw: dict[str, Any] = {}
    if request.param == "postgres":
        from tests.pg import fresh_schema

        schema_cm = fresh_schema("throttle")
        url, schema = schema_cm.__enter__()
        kw = {"database_url": url, "db_schema": schema}
    db = open_database(VerifierSettings(dev=True, data_dir=tmp_path, **kw))
    with db.session() as s:
        add_staff(s, SystemClock(), STAFF, STAFF_PASSWORD)
        add_staff(s, SystemClock(), "hr-bert", STAFF_PASSWORD)
    yield db
    db.dispose()
    if request.param == "postgres":
        schema_cm.__exit__(None, None, None)


def _accounts() -> Any:
    """The staff accounts with room for every thread at once (the point is the database)."""
    from servicekit.accounts import Accounts
    from servicekit.throttle import Gate
    from verifier.flows.staff import STAFF as staff

    return Accounts(staff.m, gate=Gate(PARALLEL))


def test_concurrent_transactions_check_at_most_the_limit(staff_db: Any) -> None:
    accounts, outcomes = _accounts(), []
    start = threading.Barrier(PARALLEL)

    def guess(i: int) -> None:
        start.wait()
        try:
            accounts.authenticate(staff_db, SystemClock(), STAFF, f"guess {i}", "203.0.113.5",
                                  max_failures=LIMIT, window=900)
        except PolicyError as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(PARALLEL)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    counted = Counter(outcomes)
    print(f"\n{staff_db.dialect}: {dict(counted)}")
    assert sum(counted.values()) == PARALLEL
    # serialised per key: exactly the limit, whoever comes first
    assert counted == {"account.login_failed": LIMIT,
                       "account.rate_limited": PARALLEL - LIMIT}, counted


def test_a_device_cookie_of_another_account_is_no_pass(staff_db: Any) -> None:
    accounts, clock = _accounts(), SystemClock()
    mine = accounts.authenticate(staff_db, clock, "hr-bert", STAFF_PASSWORD, "198.51.100.7",
                                 max_failures=LIMIT, window=900)
    for i in range(LIMIT):  # the owner of hr-anna fails five times from elsewhere
        with pytest.raises(PolicyError):
            accounts.authenticate(staff_db, clock, STAFF, f"guess {i}", f"192.0.2.{i}",
                                  max_failures=LIMIT, window=900)
    # hr-bert's device token does not make hr-bert's browser a known device of hr-anna
    with pytest.raises(PolicyError) as caught:
        accounts.authenticate(staff_db, clock, STAFF, "another guess", "198.51.100.7",
                              device=mine.device, max_failures=LIMIT, window=900)
    assert caught.value.code == "account.slowed_down"


@pytest.fixture
@system_fixture
def verifier(tmp_path: Path, clock: SettableClock) -> Any:
    app = make_app(tmp_path, staff_login=True, clock=clock)
    from verifier.flows.staff import add_staff

    ctx = app.state.verifier
    with ctx.db.session() as s:
        add_staff(s, ctx.clock, STAFF, STAFF_PASSWORD)
    with serve(app, free_port()) as url:
        yield url
    ctx.db.dispose()


def _fail(browser: Browser, times: int) -> None:
    for i in range(times):
        r = browser.sign_in(f"wrong guess {i}")
        assert r.status_code == 401, (r.status_code, text_of(r)[:300])


def test_attackers_elsewhere_do_not_lock_the_owner_out(verifier: str) -> None:
    owner = Browser(verifier, address="127.0.0.1")
    assert owner.sign_in(STAFF_PASSWORD).status_code == 303  # a known device from now on
    assert "verifier_device" in owner.cookies
    attacker = Browser(verifier, address="127.0.0.2")
    _fail(attacker, LIMIT)
    refused = attacker.sign_in(STAFF_PASSWORD)  # that address is done for a quarter of an hour
    assert refused.status_code == 429 and "kwartier" in text_of(refused)
    elsewhere = Browser(verifier, address="127.0.0.3").sign_in("another guess")
    assert elsewhere.status_code == 429  # further new places must wait (next test)
    assert owner.sign_in(STAFF_PASSWORD).status_code == 303
    # the owner's known device, even on a new network (a phone moving to mobile data)
    moved = Browser(verifier, address="127.0.0.4", cookies=dict(owner.cookies))
    assert moved.sign_in(STAFF_PASSWORD).status_code == 303
    # ... but guessing from the known device is limited like anywhere else
    _fail(moved, LIMIT)
    assert moved.sign_in(STAFF_PASSWORD).status_code == 429


def test_a_new_device_is_slowed_down_not_locked_out(verifier: str, clock: SettableClock) -> None:
    attacker = Browser(verifier, address="127.0.0.2")
    _fail(attacker, LIMIT)
    delays = []
    for address in ("127.0.0.3", "127.0.0.4", "127.0.0.5"):  # each further guess waits longer
        r = Browser(verifier, address=address).sign_in("yet another guess")
        assert r.status_code == 429, text_of(r)[:300]
        delays.append(int(r.headers["retry-after"]))
        clock.advance(delays[-1])
        _fail(Browser(verifier, address=address), 1)
    assert delays == [1, 2, 4], delays
    newcomer = Browser(verifier, address="127.0.0.9", lang="en")
    slowed = newcomer.sign_in(STAFF_PASSWORD)
    assert slowed.status_code == 429, text_of(slowed)[:300]
    assert slowed.headers["retry-after"] == "8"
    assert "from a device it was not used on before, wait 8 seconds" in text_of(slowed)
    clock.advance(8)
    assert newcomer.sign_in(STAFF_PASSWORD).status_code == 303  # not locked out


@pytest.mark.system
def test_one_address_cannot_spray_guesses_over_many_accounts(tmp_path: Path) -> None:
    from servicekit.throttle import ADDRESS_FACTOR

    app = make_app(tmp_path, staff_login=True, login_max_failures=1)
    with serve(app, free_port()) as url:
        sprayer = Browser(url, address="127.0.0.5")
        token = sprayer.form_token()
        with sprayer.client() as c:
            statuses = [c.post("/login", data={"username": f"name-{i}", "password": "Winter2026!",
                                               "csrf": token}).status_code
                        for i in range(ADDRESS_FACTOR + 1)]
        assert statuses == [401] * ADDRESS_FACTOR + [429], statuses
        # another address is not affected
        assert Browser(url, address="127.0.0.6").sign_in("wrong once").status_code == 401
    app.state.verifier.db.dispose()


def test_the_wallet_owner_behind_the_attackers_address_still_gets_in(tmp_path: Path) -> None:
    """Learners share addresses (a school network): guesses from a shared address lock that
    address, not the learner's own browser."""
    from fastapi.testclient import TestClient

    from tests.security._apps import wallet_app
    from tests.wallet.wallet_helpers import PASSWORD, Learner

    app, owner_client = wallet_app(tmp_path)
    owner = Learner(owner_client)
    assert owner.signup().status_code == 200  # sign-up makes this browser a known device
    assert "wallet_device" in owner_client.cookies
    owner_client.post("/logout", data={"csrf": owner.csrf("/account")})
    attacker = Learner(TestClient(app, raise_server_exceptions=False))  # same address
    assert [attacker.login("anouk", f"guess {i} guess").status_code
            for i in range(LIMIT + 1)] == [401] * LIMIT + [429]
    assert attacker.login("anouk", PASSWORD).status_code == 429
    r = owner.login("anouk", PASSWORD)
    assert r.status_code == 200 and "/logout" in r.text
    app.state.wallet.db.dispose()
