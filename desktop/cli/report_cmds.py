"""Document commands: update-pdf, verify, trust-bundle, signer."""

from __future__ import annotations

import argparse
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.cli import secret_sources
from desktop.cli.common import CliError, add_store_argument, open_store
from desktop.models import Partnership, Person
from desktop.reports.publish import PROFILES, PublishOptions, publish_update
from desktop.reports.signing import verify_pdf
from desktop.reports.trust_guide import trust_bundle
from desktop.services import signing_setup
from desktop.services.actor import Actor
from desktop.services.queries import find_period, find_plan


def find_person(session: Session, ref: str) -> Person:
    ref = ref.strip()
    if ref.isdigit() and (person := session.get(Person, int(ref))) is not None:
        return person
    matches = [p for p in session.scalars(select(Person)) if ref.casefold() in p.display_name.casefold()]
    if len(matches) != 1:
        raise CliError(f"'{ref}' matches {len(matches)} people; use more of the name or role, or the id.")
    return matches[0]


def html_path(given: Path | None, pdf: Path) -> Path | None:
    """Check an --html target before any work: an .html name, in an existing folder, not the PDF itself."""
    if given is None:
        return None
    if given.suffix.lower() not in (".html", ".htm"):
        raise CliError("The HTML version needs a name ending in .html.")
    if not given.parent.exists():
        raise CliError(f"The folder {given.parent} does not exist.")
    if given.resolve() == pdf.resolve():
        raise CliError("The HTML version needs its own file name, next to the PDF.")
    return given


def cmd_update_pdf(args: argparse.Namespace) -> int:
    with open_store(args) as store, store.session() as session:
        plan = find_plan(session, args.plan)
        period = find_period(session, plan.id, args.period)
        signer = find_person(session, args.signer).id if args.signer else None
        options = PublishOptions(profile=args.profile, sign=not args.no_sign, signer_id=signer,
                                 marking=args.marking, key_messages=tuple(args.key_message or ()))
        html = html_path(args.html, args.out)
        result = publish_update(session, Actor.command_line(), period, args.out, options, html_out=html)
    signed = f", signed by {result.signed_by}" if result.signed_by else ", unsigned"
    print(f"Wrote {result.path} ({result.pages} pages, {result.profile} profile{signed}; "
          f"snapshot {result.snapshot_sha256[:12]})")
    if result.html_path is not None:
        print(f"Wrote {result.html_path} (HTML version, links to {result.path.name})")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise CliError(f"Cannot read {args.file}: {exc.strerror}.") from None
    roots = []
    for path in args.trust or []:
        try:
            roots.append(path.read_bytes())
        except OSError as exc:
            raise CliError(f"Cannot read the trusted root {path}: {exc.strerror}.") from None
    report = verify_pdf(data, roots or None)
    for line in report.lines():
        print(line)
    return 0 if report.ok else 1


def find_partnership(session: Session, ref: str | None) -> Partnership:
    partnerships = list(session.scalars(select(Partnership).order_by(Partnership.id)))
    matches = [p for p in partnerships if not ref or ref.casefold() in f"{p.name} {p.short_name}".casefold()]
    if len(matches) != 1:
        raise CliError("Say which partnership (--partnership NAME); this store has "
                       + ", ".join(p.name for p in partnerships) + ".")
    return matches[0]


def cmd_trust_bundle(args: argparse.Namespace) -> int:
    with open_store(args) as store, store.session() as session:
        partnership = find_partnership(session, args.partnership)
        signing_setup.ensure_root(session, partnership, actor=Actor.command_line())
        pem = signing_setup.root_pem(session, partnership)
        files = trust_bundle(partnership.name, pem, short_name=partnership.short_name,
                             contact=partnership.notice_contact)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (args.out / name).write_bytes(content)
        print(args.out / name)
    return 0


def cmd_signer(args: argparse.Namespace) -> int:
    with open_store(args) as store, store.session() as session:
        person = find_person(session, args.person)
        actor = Actor.command_line()
        if args.pkcs12:
            password = secret_sources.read(args, "pkcs12")
            credential = signing_setup.import_pkcs12(session, person, args.pkcs12.read_bytes(), password, actor=actor)
        else:
            partnership = find_partnership(session, args.partnership)
            credential = signing_setup.issue_signer(session, person, partnership=partnership, actor=actor)
        print(f"{person.display_name} can now sign (certificate {credential.fingerprint[:23]}…).")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("update-pdf", help="the signed delivery-plan update for a closed quarter")
    add_store_argument(p)
    p.add_argument("--plan", required=True, help="plan id or a unique part of its title")
    p.add_argument("--period", required=True, help="quarter label such as '2015/16 Q3', or latest-closed")
    p.add_argument("--out", required=True, type=Path, metavar="FILE.pdf")
    p.add_argument("--profile", choices=PROFILES, default="public", help="disclosure profile for appendices")
    p.add_argument("--no-sign", action="store_true", help="leave the PDF unsigned")
    p.add_argument("--signer", help="who signs (id, name or role); needed when several people can sign")
    p.add_argument("--marking", help="protective marking (default: the partnership's)")
    p.add_argument("--key-message", action="append", help="a key message for the summary (repeatable)")
    p.add_argument("--html", type=Path, metavar="FILE.html",
                   help="also write the HTML version (same data, links to the PDF; keep the two side by side)")
    p.set_defaults(func=cmd_update_pdf)

    p = sub.add_parser("verify", help="check a signed PDF: intact, who signed, trusted; exit 0 only if both")
    p.add_argument("file", type=Path, metavar="FILE.pdf")
    p.add_argument("--trust", type=Path, action="append", metavar="ROOT.pem", help="a trusted root certificate")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("trust-bundle", help="export the partnership's root certificate, fingerprint and guide")
    add_store_argument(p)
    p.add_argument("--out", required=True, type=Path, metavar="DIR")
    p.add_argument("--partnership", help="which partnership, when the store holds several")
    p.set_defaults(func=cmd_trust_bundle)

    p = sub.add_parser("signer", help="issue (or import from PKCS#12) a signing certificate for a person")
    add_store_argument(p)
    p.add_argument("--person", required=True, help="id, name or role of the person who will sign")
    p.add_argument("--pkcs12", type=Path, help="import an existing certificate and key instead")
    p.add_argument("--partnership", help="whose root issues the certificate, when the store holds several")
    p.set_defaults(func=cmd_signer)
