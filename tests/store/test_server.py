"""The PostgreSQL backend: who may see and change what is enforced by the database itself.

Each person is a database role; these tests connect as those roles with raw SQL, not through the app, because a
lead officer with a SQL client must be held to the same rules. Skipped, saying why, without PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from pg_harness import DATA_PASSPHRASE, PgHarness
from sqlalchemy import Connection, create_engine, select, text
from sqlalchemy.exc import DBAPIError

from desktop.models import Action, Person, Plan, ProfileAppendix, ProfileSubject
from desktop.services import periods, plans, signing_setup
from desktop.services.actor import Actor
from desktop.services.audit import verify_chain
from desktop.services.updates import record_update
from desktop.store import NotAStore, StoreError, WrongPassphrase, policies
from desktop.store.server import ServerStore

COORDINATOR = Actor(None, "Test coordinator")


@dataclass
class Partnership:
    database: str
    plan_id: int
    alex_action: int
    bo_action: int
    alex_id: int
    appendix_id: int


@pytest.fixture
def partnership(pg: PgHarness, pg_database: str) -> Partnership:
    """A plan with two lead officers (Alex leads 1.1a, Bo leads 1.1b) and a restricted offender profile."""
    with pg.open(pg_database) as store, store.session() as s:
        sp = plans.add_partnership(s, COORDINATOR, "Safer Hartlepool Partnership", "SHP")
        alex = plans.add_person(s, COORDINATOR, name="Alex Lead", job_title="Housing lead")
        bo = plans.add_person(s, COORDINATOR, name="Bo Lead", job_title="Employment lead")
        plan = plans.add_plan(s, COORDINATOR, sp, "Reducing Re-offending Action Plan")
        pri = plans.add_priority(s, COORDINATOR, plans.add_objective(s, COORDINATOR, plan, "1", "Pathways"), "1.1",
                                 "Housing and work")
        a = plans.add_action(s, COORDINATOR, pri, "1.1a", "Create a Housing Liaison post", leads=[alex])
        b = plans.add_action(s, COORDINATOR, pri, "1.1b", "Employment pathway", leads=[bo])
        periods.add_period(s, COORDINATOR, plan, "2014/15 Q1", dt.date(2014, 4, 1), dt.date(2014, 6, 30))
        appendix = ProfileAppendix(plan_id=plan.id, title="Appendix 3 – Offender profiles")
        appendix.subjects.append(ProfileSubject(name="Jane Example", pnc_id="14/123456A", postcode="TS24 7AB",
                                                date_of_birth=dt.date(1990, 2, 3), age=34, district="Hartlepool"))
        s.add(appendix)
        s.flush()
        ids = Partnership(pg_database, plan.id, a.id, b.id, alex.id, appendix.id)
    pg_admin = pg.admin_url
    from desktop.store import server

    server.add_person(pg_admin, pg_database, "lead_alex", "lead", ids.alex_id)
    server.add_person(pg_admin, pg_database, "lead_bo", "lead", bo.id)
    server.add_person(pg_admin, pg_database, "partner_pat", "partner", None)
    server.add_person(pg_admin, pg_database, "coordinator_two", "coordinator", None)
    return ids


@pytest.fixture
def as_role(pg: PgHarness, partnership: Partnership) -> Iterator[object]:
    engines = []

    def connect(role: str) -> Connection:
        engine = create_engine(pg.url(partnership.database, role))
        engines.append(engine)
        return engine.connect()

    yield connect
    for engine in engines:
        engine.dispose()


def test_a_lead_officer_cannot_read_or_change_another_leads_actions(as_role, partnership: Partnership) -> None:  # type: ignore[no-untyped-def]
    with as_role("lead_alex") as alex:
        assert alex.execute(text("SELECT id FROM action")).scalars().all() == [partnership.alex_action]
        assert alex.execute(text("SELECT count(*) FROM action_lead")).scalar() == 1
        # Changing Bo's action matches no row: it is invisible, not merely read-only.
        changed = alex.execute(text("UPDATE action SET text = 'hijacked' WHERE id = :b"), {"b": partnership.bo_action})
        assert changed.rowcount == 0
        assert alex.execute(text("DELETE FROM action WHERE id = :b"), {"b": partnership.bo_action}).rowcount == 0
        # Their own action they may update.
        mine = alex.execute(text("UPDATE action SET resources = 'Two posts' WHERE id = :a"),
                            {"a": partnership.alex_action})
        assert mine.rowcount == 1
        alex.commit()
        # Recording an update against Bo's action is refused by the policy's WITH CHECK.
        with pytest.raises(DBAPIError, match="row-level security"):
            alex.execute(text("INSERT INTO action_update (action_id, period_id, commentary, percent_complete, "
                              "source, recorded_at, suggestion_reason, remedial_action) "
                              "SELECT :b, id, 'not mine', 10, 'app', now(), '', '' FROM reporting_period"),
                         {"b": partnership.bo_action})
        alex.rollback()
        # And a lead never sees offender profiles, nor writes the audit trail's head or events directly.
        assert alex.execute(text("SELECT count(*) FROM profile_subject")).scalar() == 0
        assert alex.execute(text("UPDATE store_meta SET value = 'x' WHERE key = 'audit_head'")).rowcount == 0
        with pytest.raises(DBAPIError, match="permission denied"):
            alex.execute(text("DELETE FROM audit_event"))
        alex.rollback()
        with pytest.raises(DBAPIError, match="permission denied"):
            alex.execute(text("TRUNCATE action"))  # TRUNCATE would skip the policies: never granted
    with as_role("coordinator_two") as coordinator:
        texts = dict(coordinator.execute(text("SELECT id, text FROM action")).all())
        assert texts[partnership.bo_action] == "Employment pathway"
        # Not even a coordinator rewrites the schema's version or a frozen quarter.
        with pytest.raises(DBAPIError, match="permission denied"):
            coordinator.execute(text("UPDATE alembic_version SET version_num = 'x'"))
        coordinator.rollback()
        with pytest.raises(DBAPIError, match="permission denied"):
            coordinator.execute(text("DELETE FROM snapshot"))
        coordinator.rollback()
        with pytest.raises(DBAPIError, match="permission denied"):
            coordinator.execute(text("UPDATE snapshot SET payload = '{}'"))


def test_a_lead_officer_records_updates_for_their_own_actions_through_the_services(
    pg: PgHarness, partnership: Partnership
) -> None:
    with ServerStore.open(pg.url(partnership.database, "lead_alex"), DATA_PASSPHRASE) as store:
        with store.session() as s:
            plan = s.get(Plan, partnership.plan_id)
            assert plan is not None
            visible = s.scalars(select(Action.code)).all()
            assert visible == ["1.1a"]
            action = s.get(Action, partnership.alex_action)
            record_update(s, Actor(partnership.alex_id, "Alex Lead"), action, plan.periods[0], rag="green",  # type: ignore[arg-type]
                          commentary="Post advertised", percent_complete=20)
    with pg.open(partnership.database) as store, store.session() as s:
        chain = verify_chain(s)
        assert chain.ok, chain.problems
        last = s.execute(text("SELECT actor_id, verb FROM audit_event ORDER BY sequence DESC LIMIT 1")).one()
        assert tuple(last) == (partnership.alex_id, "record_update")  # the server named the actor


def test_offender_profiles_partner_rows_for_partners_restricted_rows_for_their_owner(
    pg: PgHarness, as_role, partnership: Partnership  # type: ignore[no-untyped-def]
) -> None:
    with as_role("partner_pat") as partner:
        assert partner.execute(text("SELECT count(*) FROM profile_appendix")).scalar() == 0
        assert partner.execute(text("SELECT count(*) FROM profile_subject")).scalar() == 0
        assert partner.execute(text("UPDATE action SET text = 'x'")).rowcount == 0
    with as_role("coordinator_two") as other:  # another coordinator: restricted rows belong to their creator
        assert other.execute(text("SELECT count(*) FROM profile_subject")).scalar() == 0
        assert other.execute(text("UPDATE profile_appendix SET marking = 'partner'")).rowcount == 0
    with pg.open(partnership.database) as store, store.session() as s:  # the owner shares it with partners
        appendix = s.get(ProfileAppendix, partnership.appendix_id)
        assert appendix is not None and appendix.owner_role == "coordinator_test"
        appendix.marking = "partner"
    with as_role("partner_pat") as partner:
        assert partner.execute(text("SELECT count(*) FROM profile_subject")).scalar() == 1
        assert partner.execute(text("UPDATE profile_subject SET district = 'x'")).rowcount == 0


def test_identifiers_and_signing_keys_reach_the_server_sealed(pg: PgHarness, partnership: Partnership) -> None:
    with pg.open(partnership.database) as store, store.session() as s:
        signing_setup.issue_signer(s, s.get(Person, partnership.alex_id))  # type: ignore[arg-type]
    superuser = create_engine(pg.cluster.url(partnership.database))
    try:
        with superuser.connect() as conn:
            row = conn.execute(text("SELECT name, pnc_id, postcode, date_of_birth, district FROM profile_subject"))
            name, pnc, postcode, dob, district = row.one()
            keys = conn.execute(text("SELECT private_key_pem FROM signing_root UNION ALL "
                                     "SELECT private_key_pem FROM signer_credential")).scalars().all()
    finally:
        superuser.dispose()
    assert len(keys) == 2 and all(k.startswith("v1.") and "PRIVATE" not in k for k in keys)
    assert district == "Hartlepool"  # quasi-identifiers stay queryable
    for sealed in (name, pnc, postcode, dob):
        assert sealed.startswith("v1.") and "Jane" not in sealed and "TS24" not in sealed and "1990" not in sealed
    with pg.open(partnership.database) as store, store.session() as s:
        subject = s.scalars(select(ProfileSubject)).one()
        assert (subject.name, subject.pnc_id, subject.date_of_birth) == ("Jane Example", "14/123456A",
                                                                         dt.date(1990, 2, 3))


def test_opening_refuses_a_wrong_data_passphrase_and_foreign_databases(pg: PgHarness, pg_database: str) -> None:
    with pytest.raises(WrongPassphrase):
        ServerStore.open(pg.url(pg_database), "not the data passphrase")
    with pytest.raises(NotAStore):
        ServerStore.open(pg.cluster.url("postgres"), DATA_PASSPHRASE)
    with pytest.raises(StoreError, match="Cannot connect"):
        ServerStore.open(pg.url(pg_database, "nobody_here"), DATA_PASSPHRASE)
    with pytest.raises(StoreError, match="Only PostgreSQL"):
        ServerStore.open("mysql://x@y/z", DATA_PASSPHRASE)


def test_every_table_denies_by_default_and_the_owner_is_not_the_app(pg: PgHarness, pg_database: str) -> None:
    superuser = create_engine(pg.cluster.url(pg_database))
    try:
        with superuser.connect() as conn:
            tables = conn.execute(text(
                "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, pg_get_userbyid(c.relowner) "
                "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind = 'r'")).all()
            app_is_owner = conn.execute(text("SELECT pg_has_role(:app, :owner, 'MEMBER')"),
                                        {"app": policies.APP, "owner": policies.OWNER}).scalar()
            coordinator_is_owner = conn.execute(text("SELECT pg_has_role('coordinator_test', :o, 'USAGE')"),
                                                {"o": policies.OWNER}).scalar()
    finally:
        superuser.dispose()
    assert len(tables) > 25
    assert all(rls and forced for _, rls, forced, _ in tables), [t for t in tables if not (t[1] and t[2])]
    assert {owner for *_, owner in tables} == {policies.OWNER}
    assert not app_is_owner and not coordinator_is_owner
