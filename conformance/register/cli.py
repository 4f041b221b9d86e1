"""The `register` command: add, suspend, unsuspend, revoke, publish, verify.

Exit codes: 0 done / the register verifies; 1 the register is broken, or a certificate was
refused (it does not verify, or is not conformant); 2 usage error (no register folder, bad
key, an entry the certificate's state does not allow, ...).
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from ..certify import CertifyError, load_public_key
from ..errors import EXIT_NOT_CONFORMANT, UsageError
from .state import REVOKE, STATUSES, SUSPEND, UNSUSPEND


def register(sub: argparse._SubParsersAction) -> None:
    reg = sub.add_parser("register", help="the public register of certificates: add, suspend, "
                         "revoke, publish, verify")
    rsub = reg.add_subparsers(metavar="action")

    def folder(p: argparse.ArgumentParser) -> None:
        p.add_argument("--register", type=Path, required=True, metavar="DIR",
                       help="the register folder (log.jsonl, head.json, certificates/)")

    add = rsub.add_parser("add", help="verify a certificate and add it to the register")
    add.add_argument("certificate", type=Path, help="certificate.json or certificate.html")
    folder(add)
    add.add_argument("--key", type=Path, required=True, help="the register's Ed25519 private "
                     "key (PEM, from `conformance keygen`)")
    add.add_argument("--trust", type=Path, action="append", default=[], help="public key the "
                     "certificate must be signed by (repeatable; default: the register's key)")
    add.set_defaults(func=_cmd_add)

    for kind, text in ((SUSPEND, "suspend a certificate (reversible with unsuspend)"),
                       (UNSUSPEND, "lift a suspension"),
                       (REVOKE, "revoke a certificate (final)")):
        p = rsub.add_parser(kind, help=text)
        p.add_argument("id", help="the certificate id (printed on the certificate)")
        p.add_argument("--reason", required=True, help="why; published with the entry")
        folder(p)
        p.add_argument("--key", type=Path, required=True, help="the register's private key")
        p.set_defaults(func=_cmd_change, kind=kind)

    publish = rsub.add_parser("publish", help="write the static register site")
    folder(publish)
    publish.add_argument("--out", type=Path, required=True, help="site folder")
    publish.add_argument("--lang", choices=("nl", "en"), default="nl")
    publish.add_argument("--title", help="title of the site")
    publish.add_argument("--base-url", help="where the site will be served (http(s)); also "
                         "writes a badge per certificate that links to its entry")
    publish.set_defaults(func=_cmd_publish)

    verify = rsub.add_parser("verify", help="verify the whole log: chain, signatures, head")
    folder(verify)
    verify.add_argument("--trust", type=Path, action="append", required=True,
                        help="the register's public key (PEM); repeatable")
    verify.set_defaults(func=_cmd_verify)
    reg.set_defaults(func=lambda a: (reg.print_help(), 2)[1])


def _cmd_add(args: argparse.Namespace) -> int:
    from .folder import add_certificate, open_register

    register = open_register(args.register, create=True)
    entry = add_certificate(register, args.certificate, args.key, args.trust)
    data = entry["data"]
    print(f"added certificate {entry['certificate']} ({data['supplier']['name']}, "
          f"{data['supplier']['product']} {data['supplier']['version']}, profile "
          f"{data['profile']['id']}) as entry {entry['seq'] + 1} of {args.register}")
    return 0


def _cmd_change(args: argparse.Namespace) -> int:
    from .folder import change_status, open_register

    register = open_register(args.register)
    entry = change_status(register, args.id, args.kind, args.key, args.reason)
    print(f"{args.kind}: certificate {entry['certificate']} (entry {entry['seq'] + 1})")
    return 0


def _cmd_publish(args: argparse.Namespace) -> int:
    from .folder import open_register
    from .site import publish

    register = open_register(args.register)
    if args.base_url and not args.base_url.startswith(("http://", "https://")):
        raise UsageError(f"--base-url {args.base_url!r}: give the http(s) address of the site")
    index = publish(register, args.out, lang=args.lang, title=args.title,
                    base_url=args.base_url)
    print(f"register site {index}")
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    from .folder import open_register

    try:
        keys = [load_public_key(p) for p in args.trust]
    except CertifyError as exc:
        raise UsageError(str(exc)) from None
    report = open_register(args.register).read(keys)
    for note in report.notes:
        print(f"note: {note}")
    if not report.ok:
        print(f"BROKEN {args.register}/{report.broken}")
        print(f"the first {len(report.entries)} entries verify; the register is NOT intact")
        return EXIT_NOT_CONFORMANT
    today = date.today()
    counts = {s: 0 for s in STATUSES}
    for cert in report.state.certificates.values():
        counts[cert.status(today)] += 1
    print(f"ok: {len(report.entries)} entries, chain and signatures intact, head sha256 "
          f"{report.head_hash}")
    print("certificates: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    return 0
