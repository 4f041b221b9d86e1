"""The `compare` command: a tender matrix of several suppliers' certificates.

Exit codes: 0 every certificate verified and the matrix is written; 1 the matrix is written
but one or more certificates did not verify (they are marked and do not count); 2 usage
error (no certificate, a bad --trust key, an output folder that cannot be written).
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from ..errors import EXIT_NOT_CONFORMANT, UsageError

OUTPUT_NAMES = {"html": "compare.html", "csv": "compare.csv", "xlsx": "compare.xlsx"}


def register(sub: argparse._SubParsersAction) -> None:
    compare = sub.add_parser("compare", help="verify several certificates and write a tender "
                             "matrix (HTML, CSV, Excel)")
    compare.add_argument("certificates", type=Path, nargs="+", metavar="CERT",
                         help="certificate.json or certificate.html, one per supplier")
    compare.add_argument("--trust", type=Path, action="append", required=True,
                         help="trusted public key of the certifying party (PEM); repeatable")
    compare.add_argument("--out", type=Path, required=True, help="output folder")
    compare.add_argument("--lang", choices=("nl", "en"), default="nl")
    compare.set_defaults(func=_cmd_compare)


def _cmd_compare(args: argparse.Namespace) -> int:
    from ..certify import CertifyError, load_public_key
    from ..report.i18n import long_date
    from .compare import build_matrix, load_bids
    from .page import render_compare
    from .sheets import write_csv, write_workbook
    from .view import describe

    try:
        keys = [load_public_key(p) for p in args.trust]
    except CertifyError as exc:
        raise UsageError(str(exc)) from None
    today = date.today()
    bids = load_bids(args.certificates, keys, today=today)
    view = describe(build_matrix(bids), args.lang)
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        paths = {kind: args.out / name for kind, name in OUTPUT_NAMES.items()}
        paths["html"].write_text(render_compare(view, generated=long_date(today, args.lang)),
                                 encoding="utf-8")
        write_csv(view, paths["csv"])
        write_workbook(view, paths["xlsx"])
    except OSError as exc:
        raise UsageError(f"{args.out}: cannot write the comparison ({exc})") from None
    for bid, column in zip(bids, view.columns, strict=True):
        state = "ok  " if column.verified else "FAIL"
        print(f"{state} {bid.source}: {column.label}: {column.signature}")
        for detail in column.signature_details:
            print(f"       {detail}")
    for notice in view.notices:
        print(f"note: {notice}")
    for kind, path in paths.items():
        print(f"{kind:5} {path}")
    return 0 if all(c.verified for c in view.columns) else EXIT_NOT_CONFORMANT
