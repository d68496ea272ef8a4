"""``rotonde up``: the issuer, wallet and verifier in one process, seeded with the example data.

::

    rotonde up [--data-dir DIR] [--host H] [--public-host HOST_OR_IP]
               [--issuer-port 8001] [--wallet-port 8002] [--verifier-port 8003]

Development mode on SQLite under ``DIR`` (default ``./rotonde-data``): ``issuer/``, ``wallet/``,
``verifier/``, the trust list of the seeded tenants and ``demo.json`` (URLs, API keys, the demo
learner's password, the latest offer). The first run seeds the demo data (see
:mod:`stack.seed`); later runs reuse it. Every run prints a fresh OpenID4VCI 1.0
credential offer (§4.1, by reference, pre-authorized code with a ``tx_code`` PIN) for the demo
learner. Ctrl-C or SIGTERM stops the three servers and exits 0; a fault (busy port, unusable
data directory, unreachable database) is one line on stderr and exit 1.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Any

from rotonde.cli.support import Subcommands, UsageError, usage_error
from rotonde.errors import ConfigurationError, RotondeError

__all__ = ["register", "run_up"]

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
_SERVICES = (("issuer", "issuer_port", "--issuer-port"), ("wallet", "wallet_port", "--wallet-port"),
             ("verifier", "verifier_port", "--verifier-port"))


def _url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _prepare_data_dir(data_dir: Path) -> Path:
    """The data directory, created if its parent exists; a clear error otherwise."""
    data_dir = data_dir.expanduser()
    if data_dir.exists() and not data_dir.is_dir():
        raise ConfigurationError(
            "up.data_dir_not_a_directory", f"data directory {data_dir} is not a directory",
            message_nl=f"datamap {data_dir} is geen map",
        )
    if not data_dir.exists() and not data_dir.absolute().parent.is_dir():
        raise ConfigurationError(
            "up.data_dir_parent_missing",
            f"cannot create data directory {data_dir}: {data_dir.absolute().parent} does not exist",
            message_nl=f"kan datamap {data_dir} niet maken: {data_dir.absolute().parent} "
            "bestaat niet",
        )
    from servicekit.settings import ServiceSettings

    ServiceSettings(data_dir=data_dir).ensure_data_dir()
    return data_dir


def run_up(args: argparse.Namespace, *, out: Any = None) -> int:
    """Prepare, seed, serve until SIGINT/SIGTERM. Raises RotondeError for a fault."""
    from stack import seed
    from stack.banner import banner
    from stack.servers import ServerGroup, bind_socket

    out = out or sys.stdout
    ports = {name: int(getattr(args, attr)) for name, attr, _ in _SERVICES}
    if len(set(ports.values())) != len(ports) or not all(0 < p < 65536 for p in ports.values()):
        usage_error("the three ports must be different numbers between 1 and 65535")
    bind_host = args.host or ("0.0.0.0" if args.public_host else "127.0.0.1")
    public_host = args.public_host or (
        "127.0.0.1" if bind_host in ("0.0.0.0", "::") else bind_host)
    urls = {name: _url(public_host, port) for name, port in ports.items()}
    data_dir = _prepare_data_dir(Path(args.data_dir))
    sockets = {name: bind_socket(bind_host, ports[name], name=name, flag=flag)
               for name, _, flag in _SERVICES}
    group = ServerGroup()
    try:
        from issuer.app import create_app as issuer_app
        from issuer.context import open_context
        from issuer.settings import load_settings as issuer_settings
        from verifier.app import create_app as verifier_app
        from verifier.settings import load_settings as verifier_settings
        from wallet.app import create_app as wallet_app
        from wallet.settings import load_settings as wallet_settings

        state_path = data_dir / "demo.json"
        state = seed.read_state(state_path)
        providers = seed.load_providers(EXAMPLES)
        common: dict[str, Any] = {"dev": True, "host": bind_host}
        iset = issuer_settings(**common, data_dir=data_dir / "issuer", port=ports["issuer"],
                               public_url=urls["issuer"], wallet_url=urls["wallet"])
        ctx = open_context(iset)
        mapping = seed.seed_issuer(ctx, providers, state)
        trust_path = data_dir / "trust-list.json"
        seed.write_trust_list(trust_path, seed.trust_list_for(providers, state))
        dirs = seed.rewrite_examples(EXAMPLES, data_dir / "examples", mapping)
        vset = verifier_settings(**common, data_dir=data_dir / "verifier",
                                 port=ports["verifier"], public_url=urls["verifier"],
                                 wallet_url=urls["wallet"], trust_list=str(trust_path),
                                 profiles_dir=dirs["requirements"],
                                 organisation_name="Van Dijk Staalbouw")
        wset = wallet_settings(**common, data_dir=data_dir / "wallet", port=ports["wallet"],
                               public_url=urls["wallet"], trust_list=str(trust_path),
                               pathways_dir=dirs["pathways"],
                               # the demo verifier: its DID (signed requests) and, for
                               # the dev-only redirect_uri: requests, its origin
                               trusted_verifiers=(vset.validate().client_id_did,
                                                  urls["verifier"]))
        wapp = wallet_app(wset)
        seed.seed_learner(wapp.state.wallet, state)
        seed.write_state(state_path, state)  # secrets kept before anything else can fail
        vapp = verifier_app(vset)
        iapp = issuer_app(iset, context=ctx)
        offer = seed.issue_demo_offer(ctx, state, wallet_url=urls["wallet"])
        more = [seed.issue_demo_offer(ctx, state, wallet_url=urls["wallet"], record=record,
                                      tenant_slug=slug) for slug, record in seed.EXTRA_OFFERS]
        state.data.update({
            "issuer_url": urls["issuer"], "wallet_url": urls["wallet"],
            "verifier_url": urls["verifier"], "trust_list": trust_path.name,
            "api_key": state.tenant(seed.DEMO_TENANT)["api_key"],
            "api_keys": {slug: t["api_key"] for slug, t in state.data["tenants"].items()},
            "offer": offer, "more_offers": more,
        })
        seed.write_state(state_path, state)
        for name, app in (("issuer", iapp), ("wallet", wapp), ("verifier", vapp)):
            group.start(name, app, sockets[name])
        group.wait_started()
    except BaseException:
        group.stop()
        for sock in sockets.values():
            sock.close()
        raise
    out.write(banner(state.data, data_dir=data_dir, bind_host=bind_host,
                     public=bool(args.public_host)))
    out.flush()
    return _wait(group, out)


def _wait(group: Any, out: Any) -> int:
    stop = threading.Event()
    received: list[int] = []

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        received.append(signum)
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        while not stop.wait(0.5):
            dead = group.dead()
            if dead:
                group.stop()
                raise ConfigurationError(
                    "up.server_stopped", f"the {', '.join(dead)} stopped unexpectedly",
                    message_nl=f"de {', '.join(dead)} is onverwacht gestopt",
                )
        out.write("\nStopping / stoppen ...\n")
        out.flush()
        group.stop()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    out.write("Stopped. / Gestopt.\n")
    out.flush()
    return 0


def _handler(args: argparse.Namespace) -> int:
    try:
        return run_up(args)
    except UsageError:
        raise
    except RotondeError as exc:
        sys.stderr.write(f"rotonde up: {exc.message}\n")
    except KeyboardInterrupt:
        sys.stderr.write("rotonde up: interrupted before the services started\n")
        return 130
    except OSError as exc:
        sys.stderr.write(f"rotonde up: {exc.strerror or exc}"
                         f"{': ' + str(exc.filename) if exc.filename else ''}\n")
    except Exception as exc:  # never a traceback for a newcomer's first command
        sys.stderr.write(f"rotonde up: unexpected error: {type(exc).__name__}: {exc}\n")
    return 1


def register(sub: Subcommands) -> None:
    from rotonde.cli.support import guarded

    p = sub.add_parser(
        "up", help="run issuer, wallet and verifier with demo data (the main job)",
        description="Start the issuer (8001), wallet (8002) and verifier (8003) in one process "
        "on SQLite, seed the example data on the first run and print the URLs, the demo logins "
        "and a fresh credential offer. Stop with Ctrl-C.",
    )
    p.add_argument("--data-dir", default="rotonde-data",
                   help="directory for the databases and demo.json (default ./rotonde-data)")
    p.add_argument("--host", default=None,
                   help="address to listen on (default 127.0.0.1; 0.0.0.0 with --public-host)")
    p.add_argument("--public-host", default=None, metavar="HOST_OR_IP",
                   help="host name or LAN IP used in links, so a phone on the same network "
                   "can reach the demo (listens on all interfaces then)")
    p.add_argument("--issuer-port", type=int, default=8001)
    p.add_argument("--wallet-port", type=int, default=8002)
    p.add_argument("--verifier-port", type=int, default=8003)
    p.set_defaults(handler=guarded(_handler))
