"""The `conformance` command: parses options and calls the layers below.

Exit codes (documented in the README): 0 conformant / ok, 1 not conformant /
verification failed, 2 usage, profile, target or spec error, 3 incomplete.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import random
import re
import sys
import warnings
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .certify import MAX_VALID_DAYS
from .engine.budget import BUDGETS
from .errors import EXIT_USAGE, ConformanceError, UsageError
from .profiles import Profile, builtin_profile_ids, load_profile, load_profile_file
from .results import EXIT_CODES, RunResult
from .safety import MAX_CONCURRENCY
from .specs import SpecResolver
from .targets import Target, load_target_file, target_from_page, target_from_url

if TYPE_CHECKING:
    from .engine.execute import RunOptions
    from .engine.progress import Progress

DEFAULT_PROFILE = "zrc-1.5"


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    report_crashes()
    warnings.simplefilter("default")
    # PyJWT's own key-length warning repeats ours (targets: "the secret ... is weak") without
    # saying which client or file it is about
    from jwt.warnings import InsecureKeyLengthWarning

    warnings.filterwarnings("ignore", category=InsecureKeyLengthWarning)
    warnings.formatwarning = lambda msg, cat, *a, **k: f"warning: {msg}\n"
    try:
        return args.func(args)
    except ConformanceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def report_crashes() -> None:
    """On a crash of the interpreter itself (a segmentation fault, e.g. in a C extension
    under the contract pass's threads), print every thread's Python stack to stderr, so the
    crash says where it happened instead of ending the run without a word. Skipped where
    stderr is no real file (a test capturing it)."""
    import faulthandler
    import io

    if faulthandler.is_enabled():
        return
    with contextlib.suppress(AttributeError, ValueError, io.UnsupportedOperation):
        faulthandler.enable(file=sys.stderr, all_threads=True)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="conformance", description=(
        "Certify a supplier's API against a GEMMA conformance profile."))
    p.add_argument("--version", action="version", version=f"conformance {__version__}")
    sub = p.add_subparsers(metavar="command")

    run = sub.add_parser("run", help="run a profile against a target and write the artefacts")
    run.add_argument("--profile", default=DEFAULT_PROFILE,
                     help=f"built-in profile id or profile file (default {DEFAULT_PROFILE})")
    run.add_argument("--target", help="target file (.yaml) or a base URL; default: start the "
                     "embedded reference supplier")
    run.add_argument("--client-id", help="client id for --target URL (secret from "
                     "$CONFORMANCE_SECRET)")
    run.add_argument("--out", type=Path, help="output folder (default reports/<profile>-<time>)")
    run.add_argument("--budget", choices=BUDGETS, default="standard")
    run.add_argument("--seed", type=int, help="seed for data generation (default: random, "
                     "recorded in the results)")
    run.add_argument("--spec-dir", help="folder with the pinned OpenAPI files "
                     "(or $CONFORMANCE_SPEC_DIR)")
    run.add_argument("--offline", action="store_true", help="never download specs")
    run.add_argument("--lang", choices=("nl", "en"), default="nl", help="certificate language")
    run.add_argument("--sign-key", type=Path, help="Ed25519 private key (PEM) to sign with")
    run.add_argument("--valid-days", type=_whole_number(1, MAX_VALID_DAYS, "days"), default=365,
                     help=f"certificate validity in days (1..{MAX_VALID_DAYS}; default 365)")
    run.add_argument("--waivers", type=Path, help="waivers file (YAML)")
    run.add_argument("--register-url", help="address of the published register the "
                     "certificate will be added to: the badge links to its entry (needs "
                     "--sign-key)")
    run.add_argument("--defect", action="append", default=[], metavar="NAME",
                     help="embedded reference supplier only: switch on a defect (repeatable)")
    run.add_argument("--timeout", type=float, default=15.0, help="seconds per request")
    run.add_argument("--concurrency", type=_whole_number(1, MAX_CONCURRENCY), metavar="N",
                     help="requests in flight at once, at most the target's "
                     "safety.max_concurrency (its default: 4); 1 sends one at a time")
    run.add_argument("--insecure", action="store_true", help="do not verify the target's TLS "
                     "certificate (a test box only; warned, recorded and printed on the "
                     "certificate)")
    run.add_argument("--no-bsn-masking", action="store_true", help="keep values that pass the "
                     "BSN 11-test in the evidence (masked by default; printed on the "
                     "certificate)")
    run.add_argument("--quiet", action="store_true", help="print only errors and warnings "
                     "and the final summary (no progress, no phase lines)")
    run.set_defaults(func=_cmd_run)

    serve = sub.add_parser("serve-reference", help="serve the reference supplier on 127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--client-id", default=None)
    serve.add_argument("--secret", default=None)
    serve.add_argument("--defect", action="append", default=[], metavar="NAME")
    serve.add_argument("--list-defects", action="store_true")
    serve.add_argument("--web", action="store_true", help="the reference web application "
                       "(profile digitoegankelijk-wcag21aa) instead of the reference supplier")
    serve.add_argument("--consumer", action="store_true", help="serve the reference "
                       "notification consumer (nrc-ontvangen) instead; --secret is then the "
                       "Authorization value its webhook expects")
    serve.add_argument("--write-target", metavar="FILE", help="write a complete target file "
                       "for the served supplier (every API, its three clients; secrets from "
                       "CONFORMANCE_SECRET, _2 and _3, generated where not set)")
    serve.add_argument("--latency-ms", type=_latency_ms, default=0, metavar="N",
                       help="answer each request after N ms (0..10000; default 0), requests "
                       "waiting concurrently: a real supplier's latency, for benchmarks")
    serve.add_argument("--spec-dir")
    serve.add_argument("--offline", action="store_true")
    serve.set_defaults(func=_cmd_serve)

    profiles = sub.add_parser("profiles", help="list, show or validate profiles")
    psub = profiles.add_subparsers(metavar="action")
    plist = psub.add_parser("list", help="the built-in profiles")
    plist.set_defaults(func=_cmd_profiles_list)
    pshow = psub.add_parser("show", help="a profile's requirements")
    pshow.add_argument("profile")
    pshow.add_argument("--json", action="store_true")
    pshow.set_defaults(func=_cmd_profiles_show)
    pval = psub.add_parser("validate", help="validate a profile file")
    pval.add_argument("file", type=Path)
    pval.set_defaults(func=_cmd_profiles_validate)
    pnew = psub.add_parser("new", help="scaffold a valid profile for an OpenAPI-based standard "
                           "(contract, API Design Rules, GEMMA component; behaviour rules TODO)")
    pnew.add_argument("--spec", required=True, help="the standard's OpenAPI file, or its https "
                      "URL (downloaded only when not in the spec dir or cache; hash-checked)")
    pnew.add_argument("--sha256", required=True, help="sha256 of that file (pinned in the profile)")
    pnew.add_argument("--component", required=True, help="the GEMMA reference component")
    pnew.add_argument("--out", type=Path, required=True, help="profile file to write")
    pnew.add_argument("--id", help="profile id (default: the --out file name without .yaml)")
    pnew.add_argument("--api", help="name of the API in the profile and target file (default: "
                      "from the document's title)")
    pnew.add_argument("--url", help="with a file --spec: the https URL the standard publishes "
                      "it at (else a TODO placeholder)")
    pnew.add_argument("--file", help="file name of the spec in a spec dir (default: from --spec)")
    pnew.add_argument("--certifies", action="append", default=[], metavar="STANDARD",
                      help="GEMMA standard this profile certifies (repeatable)")
    pnew.add_argument("--force", action="store_true", help="replace an existing --out file")
    pnew.add_argument("--spec-dir", help="folder with pinned OpenAPI files (or "
                      "$CONFORMANCE_SPEC_DIR)")
    pnew.add_argument("--offline", action="store_true", help="never download the spec")
    pnew.set_defaults(func=_cmd_profiles_new)
    pcov = psub.add_parser("coverage", help="per profile: the ZGW rule ids, checks per rule, "
                           "untested rules with the reason")
    pcov.add_argument("profile", nargs="*", help="profile ids or files (default: all built-in)")
    pcov.add_argument("--json", action="store_true")
    pcov.add_argument("--strict", action="store_true",
                      help="exit 1 when an official rule id has no requirement in these profiles")
    pcov.set_defaults(func=_cmd_profiles_coverage)
    profiles.set_defaults(func=lambda a: (profiles.print_help(), EXIT_USAGE)[1])

    gemma = sub.add_parser("gemma", help="per GEMMA reference component: the standards it must "
                           "or should support, and which a profile certifies")
    gemma.add_argument("component", nargs="?", help="one reference component (default: all)")
    gemma.add_argument("--json", action="store_true",
                       help="the documented shape (conformance/schemas/gemma-coverage.schema.json)")
    gemma.set_defaults(func=_cmd_gemma)

    keygen = sub.add_parser("keygen", help="make an Ed25519 key pair for signing certificates")
    keygen.add_argument("--out", type=Path, required=True)
    keygen.set_defaults(func=_cmd_keygen)

    sign = sub.add_parser("sign", help="sign the results of an earlier run")
    sign.add_argument("results", type=Path)
    sign.add_argument("--key", type=Path, required=True)
    sign.add_argument("--lang", choices=("nl", "en"), default="nl")
    sign.add_argument("--valid-days", type=_whole_number(1, MAX_VALID_DAYS, "days"), default=365,
                      help=f"certificate validity in days (1..{MAX_VALID_DAYS}; default 365)")
    sign.set_defaults(func=_cmd_sign)

    verify = sub.add_parser("verify", help="verify a certificate (html or json)")
    verify.add_argument("certificate", type=Path)
    verify.add_argument("--trust", type=Path, action="append", required=True,
                        help="trusted public key (PEM); repeatable")
    verify.add_argument("--register", metavar="DIR_OR_URL", help="also check that the "
                        "certificate is in this register and not suspended or revoked")
    verify.set_defaults(func=_cmd_verify)

    from .nightly.cli import register as register_nightly
    from .procurement.cli import register as register_compare
    from .register.cli import register as register_register

    register_nightly(sub)
    register_compare(sub)
    register_register(sub)
    return p


def _resolver(args: argparse.Namespace) -> SpecResolver:
    return SpecResolver.from_environment(args.spec_dir, True if args.offline else None)


def _apply_no_bsn_masking(target: Target, keep_bsns: bool) -> None:
    """--no-bsn-masking: the evidence keeps BSNs (recorded, and printed on the certificate)."""
    if keep_bsns:
        target.safety = dataclasses.replace(target.safety, mask_bsn=False)


def _cmd_run(args: argparse.Namespace) -> int:
    from .engine.execute import RunOptions
    from .progress_view import progress_view
    from .report.artefacts import write_artefacts
    from .waivers import WaiverError, apply_waivers, load_waivers

    profile = load_profile(args.profile)
    waivers = []
    if args.waivers:
        try:
            waivers = load_waivers(args.waivers)
        except WaiverError as exc:
            raise UsageError(str(exc)) from None
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out = args.out or Path("reports") / f"{profile.id}-{stamp}"
    options = RunOptions(seed=seed, budget=args.budget, out_dir=out, resolver=_resolver(args),
                         timeout_s=args.timeout, insecure=args.insecure,
                         concurrency=args.concurrency)
    if args.insecure:
        warnings.warn("--insecure: the target's TLS certificate is NOT verified; the results "
                      "and the certificate say so", stacklevel=1)
    if args.register_url and not (args.sign_key and
                                  args.register_url.startswith(("http://", "https://"))):
        raise UsageError("--register-url takes the http(s) address of a published register "
                         "and needs --sign-key (only a signed certificate has an id)")
    if args.defect and args.target:
        raise UsageError("--defect only applies to the embedded reference supplier "
                         "(leave out --target)")

    with progress_view(sys.stderr, quiet=args.quiet) as progress:
        target, result = _execute(profile, options, args, progress)
    if waivers:
        from datetime import date

        from .results import decide_verdict

        result.waivers = apply_waivers(result.requirements, waivers, today=date.today())
        result.verdict, result.verdict_reason = decide_verdict(
            result.requirements, profile.required_classes(), result.missing_parts)
    paths = write_artefacts(result, out, lang=args.lang, sign_key=args.sign_key,
                            valid_days=args.valid_days, secrets=target.secrets(),
                            register_url=args.register_url)
    _print_summary(result, paths)
    return EXIT_CODES[result.verdict]


def _execute(profile: Profile, options: RunOptions, args: argparse.Namespace,
             progress: Progress) -> tuple[Target, RunResult]:
    """The run itself: against the target given, or an embedded reference started for it."""
    from .engine.execute import execute
    from .reference import embedded_for

    def say(message: str) -> None:
        if not args.quiet:
            print(message, file=sys.stderr)

    if args.target:
        if not args.target.startswith(("http://", "https://")):
            target = load_target_file(Path(args.target))
        elif profile.web is not None:  # one page, in a browser
            target = target_from_page(args.target)
        else:
            target = target_from_url(args.target, profile.tested_standards()[0].api,
                                     client_id=args.client_id)
        _apply_no_bsn_masking(target, args.no_bsn_masking)
        if target.safety.insecure_tls and not args.insecure:
            warnings.warn(f"{target.source}: tls.insecure is set: the target's TLS certificate "
                          "is NOT verified; the results and the certificate say so", stacklevel=1)
        return target, execute(profile, target, options, progress)
    if profile.web is not None:
        from .web.reference import embedded_web_target, web_defects

        _check_defects(args.defect, web_defects(), " --web")
        say("starting the embedded reference web application")
        with embedded_web_target(frozenset(args.defect)) as target:
            _apply_no_bsn_masking(target, args.no_bsn_masking)
            return target, execute(profile, target, options, progress)
    from .reference import defects_for, tests_a_consumer

    _check_defects(args.defect, defects_for(profile),
                   " --consumer" if tests_a_consumer(profile) else "")
    say(f"starting the embedded reference (seed {options.seed})")
    with embedded_for(profile, options.resolver, frozenset(args.defect)) as target:
        _apply_no_bsn_masking(target, args.no_bsn_masking)
        return target, execute(profile, target, options, progress)


def _whole_number(low: int, high: int, unit: str = "") -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high``; argparse reports anything
    else as a usage error (exit 2, naming the option, no traceback)."""
    of_unit = f" of {unit}" if unit else ""

    def parse(text: str) -> int:
        with contextlib.suppress(ValueError):
            if low <= (value := int(text)) <= high:
                return value
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a whole number{of_unit} from {low} to {high}")

    return parse


def _latency_ms(text: str) -> int:
    """``--latency-ms``: the reference supplier's bound, imported only when given."""
    from conformance_fixtures.reference_supplier.latency import MAX_LATENCY_MS

    return _whole_number(0, MAX_LATENCY_MS, "milliseconds")(text)


def _check_defects(names: list[str], known: dict[str, str], flag: str = "") -> None:
    """Refuse defect names the chosen reference does not have (``flag``: how to list them)."""
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UsageError(f"unknown defect(s) {', '.join(unknown)}; see "
                         f"`conformance serve-reference{flag} "
                         "--list-defects`")


def _print_summary(result, paths: dict[str, Path]) -> None:
    words = {"conformant": "CONFORMANT", "not_conformant": "NOT CONFORMANT",
             "incomplete": "INCOMPLETE"}
    counts: dict[str, int] = {}
    for r in result.requirements:
        key = "inherited from the standard" if r.inherited is not None else r.outcome
        counts[key] = counts.get(key, 0) + 1
    print(f"\nverdict: {words[result.verdict]} — {result.verdict_reason}")
    print("requirements: " + ", ".join(f"{n} {o}" for o, n in sorted(counts.items())))
    shown: set[str] = set()
    for r in result.requirements:
        if r.outcome in ("failed", "error") and r.inherited is None:
            message = r.message[:160]
            if message in shown:  # one cause (e.g. an unreachable target) is printed once
                continue
            shown.add(message)
            print(f"  {r.outcome:7} {r.level:6} {r.id}: {message}")
    print(f"seed {result.run['seed']}, budget {result.run['budget']}, "
          f"{result.run['duration_s']:.1f} s, {result.run['requests']} requests")
    for name, path in paths.items():
        print(f"{name:17} {path}")


def _cmd_serve(args: argparse.Namespace) -> int:
    from conformance_fixtures.reference_supplier import api_root

    from .files import write_new
    from .reference import (
        APIS,
        LIST_APIS,
        SECRET_ENVS,
        TARGET_FILE_HEADER,
        defects,
        reference_auth,
        reference_spec_paths,
        reference_target_file,
        server_credentials,
    )

    if args.latency_ms and (args.web or args.consumer):
        raise UsageError("--latency-ms applies to the reference supplier only, not to "
                         f"{'--web' if args.web else '--consumer'}")
    if args.web:
        from .web.reference import serve_web_app

        return serve_web_app(args.port, args.defect, args.list_defects)
    if args.consumer:
        return _serve_consumer(args)
    if args.list_defects:
        for name, text in sorted(defects().items()):
            print(f"{name:34} {text}")
        return 0
    _check_defects(args.defect, defects())
    from conformance_fixtures.reference_supplier import serve_forever

    auth = reference_auth(os.environ, args.secret)
    if args.client_id:
        auth = dataclasses.replace(auth, client_id=args.client_id)
    base = f"http://127.0.0.1:{args.port}"
    roots = ", ".join(api_root(api) for api in (*APIS, *LIST_APIS))
    print(f"reference supplier on {base}: {roots}\n"
          f"clients: {auth.client_id} (all rights), "
          + ", ".join(f"{c.client_id} ({c.name})" for c in auth.clients)
          + (f"; defects: {', '.join(args.defect)}" if args.defect else "")
          + (f"; latency {args.latency_ms} ms per request" if args.latency_ms else ""),
          file=sys.stderr)
    generated = [(SECRET_ENVS["main"], auth.secret)] if auth.secret_source == "generated" else []
    generated += [(SECRET_ENVS[c.name], c.secret) for c in auth.clients
                  if c.secret_source == "generated"]
    if generated:
        print("generated secrets; to certify this supplier, set:", file=sys.stderr)
        for name, value in generated:
            print(f"export {name}={value}", flush=True)
    if args.write_target:
        path = Path(args.write_target)
        write_new(path, reference_target_file(base, lambda api: base + api_root(api),
                                              auth), ours=TARGET_FILE_HEADER,
                  option="--write-target")
        print(f"target file {path}: `conformance run --target {path}`", file=sys.stderr)
    serve_forever(spec_paths=reference_spec_paths(_resolver(args)),
                  defects=frozenset(args.defect), host="127.0.0.1", port=args.port,
                  latency_ms=args.latency_ms, **server_credentials(auth))
    return 0


def _serve_consumer(args: argparse.Namespace) -> int:
    from conformance_fixtures.reference_consumer import (
        DEFAULT_KANALEN,
        DEFAULT_PATH,
        DEFECTS,
        serve_forever,
    )

    if args.list_defects:
        for name, text in sorted(DEFECTS.items()):
            print(f"{name:34} {text}")
        return 0
    unknown = [n for n in args.defect if n not in DEFECTS]
    if unknown:
        raise UsageError(f"unknown defect(s) {', '.join(unknown)}; see "
                         "`conformance serve-reference --consumer --list-defects`")
    auth = args.secret or "Token reference-consumer-change-me"
    print(f"reference consumer webhook on http://127.0.0.1:{args.port}{DEFAULT_PATH}, kanalen "
          f"{', '.join(DEFAULT_KANALEN)}; Authorization "
          f"{'as given' if args.secret else 'the default'}"
          + (f"; defects: {', '.join(args.defect)}" if args.defect else ""), file=sys.stderr)
    serve_forever(port=args.port, auth_value=auth, kanalen=DEFAULT_KANALEN,
                  defects=frozenset(args.defect))
    return 0


def _cmd_profiles_list(args: argparse.Namespace) -> int:
    width = max(map(len, builtin_profile_ids()))
    for pid in builtin_profile_ids():
        profile = load_profile(pid)
        standards = ", ".join(f"{s.name} {s.version}" for s in profile.tested_standards())
        print(f"{pid:{width}} {profile.gemma['component'][:30]:30} {standards}  "
              f"({len(profile.requirements)} requirements)")
    return 0


def _cmd_profiles_show(args: argparse.Namespace) -> int:
    profile = load_profile(args.profile)
    if args.json:
        print(json.dumps(profile.summary() | {"requirements": [
            {"id": r.id, "level": r.level, "class": r.class_, "title": r.title,
             "source": r.source, "checks": [c for ch in r.checks for c in ch.ids()],
             "not_tested": r.not_tested} for r in profile.requirements]}, indent=2,
            ensure_ascii=False))
        return 0
    print(f"{profile.id} {profile.version}: {profile.title['en']}")
    print(f"GEMMA component: {profile.gemma['component']}")
    for s in profile.standards.values():
        pinned = (f"{s.web.engine['name']} {s.web.engine['version']}" if s.web else "sha256")
        digest = s.web.engine["sha256"] if s.web else s.openapi.sha256
        print(f"  {s.role:10} {s.name} {s.version}  {pinned} {digest[:16]}…")
    for r in profile.requirements:
        checks = ", ".join(c for ch in r.checks for c in ch.ids()) or f"not tested: {r.not_tested}"
        print(f"  {r.id:26} {r.level:6} {r.class_:10} {r.title['en']}\n{'':30}{checks}")
    return 0


def _cmd_profiles_coverage(args: argparse.Namespace) -> int:
    from .coverage import as_json, profile_coverage, render_text, uncovered_rules

    coverages = [profile_coverage(load_profile(p)) for p in args.profile or builtin_profile_ids()]
    print(json.dumps(as_json(coverages), indent=2, ensure_ascii=False) if args.json
          else render_text(coverages))
    return 1 if args.strict and uncovered_rules(coverages) else 0


def _cmd_profiles_new(args: argparse.Namespace) -> int:
    from .files import write_new
    from .scaffold import read_spec, scaffold

    profile_id = args.id or args.out.name.removesuffix(".yaml").removesuffix(".yml")
    if not re.fullmatch(r"[a-z][a-z0-9.-]*", profile_id):
        raise UsageError(f"profile id {profile_id!r}: lowercase letters, digits, '.' and '-', "
                         "starting with a letter (give --id, e.g. --id parkeren-1.2)")
    source = read_spec(args.spec, args.sha256, args.file, args.url, _resolver(args))
    made = scaffold(source, args.component, profile_id, api=args.api, certifies=args.certifies)
    write_new(args.out, made.text, force=args.force, option="--out")
    print(f"{args.out}: profile {profile_id} for {made.profile.gemma['component']}, "
          f"{len(made.profile.requirements)} requirements: {len(made.contract)} contract "
          f"({', '.join(made.contract)}) and the API Design Rules"
          + (f", {len(made.inherited)} inherited from the standard "
             f"({', '.join(made.inherited)})" if made.inherited else ""))
    print("next: add the standard's behaviour rules (see the TODO comments and "
          "docs/profiles.md), then `conformance run --profile "
          f"{args.out} --target ... --spec-dir <folder with {source.file}>`")
    return 0


def _cmd_profiles_validate(args: argparse.Namespace) -> int:
    profile = load_profile_file(args.file)
    print(f"{args.file}: valid profile {profile.id} ({len(profile.requirements)} requirements)")
    return 0


def _cmd_gemma(args: argparse.Namespace) -> int:
    from .gemma import coverage, load_map, render_text

    component = None
    if args.component:
        component = load_map().find_component(args.component)
        if component is None:
            close = load_map().suggest(args.component)
            raise UsageError(f"'{args.component}' is not a GEMMA reference component in use"
                             + (f"; did you mean {' or '.join(map(repr, close))}?" if close
                                else "; `conformance gemma` lists them all"))
    report = coverage([load_profile(p) for p in builtin_profile_ids()], component)
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json
          else render_text(report))
    return 0


def _cmd_keygen(args: argparse.Namespace) -> int:
    from .certify import CertifyError, generate_keypair, key_fingerprint_of_file

    try:
        private, public = generate_keypair(args.out)
    except CertifyError as exc:
        raise UsageError(str(exc)) from None
    print(f"private key {private} (keep it secret)\npublic key  {public}  "
          f"fingerprint {key_fingerprint_of_file(public)}")
    return 0


def _cmd_sign(args: argparse.Namespace) -> int:
    from .certify import CertifyError
    from .report.artefacts import write_certificate

    try:
        data = json.loads(args.results.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"{args.results}: cannot read results: {exc}") from None
    from .results import validate_results

    try:
        validate_results(data)
    except Exception as exc:  # jsonschema.ValidationError: message only
        raise UsageError(f"{args.results}: not a valid results.json: "
                         f"{getattr(exc, 'message', exc)}") from None
    try:
        paths = write_certificate(data, args.results.parent, lang=args.lang, sign_key=args.key,
                                  valid_days=args.valid_days, issuer="GEMMA conformance harness")
    except CertifyError as exc:
        raise UsageError(str(exc)) from None
    for name, path in paths.items():
        print(f"{name:17} {path}")
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    from .certify import CertifyError, load_document, verify_document

    try:
        document = load_document(args.certificate)
        report = verify_document(document, args.trust, register=args.register)
    except CertifyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for check in report.checks:
        print(f"{'ok  ' if check.passed else 'FAIL'} {check.name}: {check.message}")
    print("certificate is valid" if report.ok else "certificate is NOT valid")
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
