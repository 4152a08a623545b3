"""`python -m mock_sites.restaurant --port 8000`: serve TableTop for a person to use."""

from __future__ import annotations

import argparse
import ipaddress
import sys

from mock_sites.restaurant.app import create_app
from mock_sites.restaurant.state import SessionState
from envs.serving import SiteServer


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mock_sites.restaurant", description=__doc__)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--catalogue-seed", type=int, default=0)
    parser.add_argument("--db", default=":memory:", help="SQLite file for sessions and bookings (default: in memory)")
    parser.add_argument("--popups", action="store_true", help="new visitors see the cookie banner and the promo")
    args = parser.parse_args(argv)
    if not _is_loopback(args.host):
        print(f"warning: binding {args.host}: anyone who can reach this address can use the site", file=sys.stderr)
    start = SessionState(cookie_banner_pending=True, promo_pending=True) if args.popups else None
    app = create_app(catalogue_seed=args.catalogue_seed, db_path=args.db, new_session_state=start)
    server = SiteServer(app, host=args.host, port=args.port, quiet=False)
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"TableTop on http://{shown}:{args.port}/  (Ctrl-C to stop)", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
