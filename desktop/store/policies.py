"""Who may see and change what on a shared PostgreSQL server: roles, grants and row-level security policies.

The database enforces it, not the app: every table has FORCE ROW LEVEL SECURITY, so a table with no policy for a
role shows that role nothing (deny by default), and the table owner is held to the policies too.

Roles (group roles; each person logs in as their own role, a member of exactly one of the last three):

- ``pathways_owner``: owns the schema and runs migrations; never used by the app day to day.
- ``pathways_app``: the privileges every person needs (never TRUNCATE, which would bypass the policies).
- ``pathways_coordinator``: the whole plan; offender-profile appendices marked "partner", and "restricted" ones
  only when their own role created them.
- ``pathways_lead``: reads the plan's structure; reads, updates and records quarterly updates for the actions they
  lead, and no others; no offender profiles.
- ``pathways_partner``: reads the plan; sees offender-profile appendices marked "partner" only; changes nothing.

``server_principal`` maps a login role to its Person so the policies and the audit trigger know who is acting.
The audit chain is extended by a trigger (:data:`AUDIT_TRIGGER`) in the inserting transaction, under a row lock
on the chain's head, so concurrent writers cannot fork it and no client can choose its own sequence or hash.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, text

OWNER = "pathways_owner"
APP = "pathways_app"
COORDINATOR = "pathways_coordinator"
LEAD = "pathways_lead"
PARTNER = "pathways_partner"
KINDS = {"coordinator": COORDINATOR, "lead": LEAD, "partner": PARTNER}

# The store_meta rows only the database itself writes (the chain head) or only provisioning writes (the data key).
PROTECTED_META = ("audit_head", "server_key_salt", "server_key_check")

LEAD_SCOPED = {"action": "id", "action_lead": "action_id", "action_pathway": "action_id", "action_update": "action_id"}
PROFILE_CHILDREN = {
    "profile_subject": "EXISTS (SELECT 1 FROM profile_appendix a WHERE a.id = appendix_id)",
    "aggregate_table": "EXISTS (SELECT 1 FROM profile_appendix a WHERE a.id = appendix_id)",
    "aggregate_cell": "EXISTS (SELECT 1 FROM aggregate_table t WHERE t.id = table_id)",
}
# Coordinators only: signing keys, and the principal map (read through the definer functions below).
COORDINATOR_ONLY = ("signer_credential",)
OWNER_ONLY = ("server_principal",)
# Frozen once written: a closed quarter's snapshot is added, never changed or removed.
APPEND_ONLY = ("snapshot",)
# Read by everyone, written only by the owner's migrations.
READ_ONLY = ("alembic_version",)

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def check_role_name(name: str) -> str:
    if not ROLE_NAME.match(name):
        raise ValueError("A role name is 1-63 lower-case letters, digits or underscores, not starting with a digit.")
    return name


def ensure_group_roles(admin: Connection) -> None:
    """Create the group roles if missing (needs a superuser or CREATEROLE connection)."""
    for role, options in ((OWNER, "NOLOGIN"), (APP, "NOLOGIN"), (COORDINATOR, f"NOLOGIN IN ROLE {APP}"),
                          (LEAD, f"NOLOGIN IN ROLE {APP}"), (PARTNER, f"NOLOGIN IN ROLE {APP}")):
        exists = admin.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).scalar()
        if not exists:
            admin.execute(text(f"CREATE ROLE {role} {options}"))


PRINCIPAL_TABLE = """
CREATE TABLE IF NOT EXISTS server_principal (
    role_name  varchar(63) PRIMARY KEY,
    kind       varchar(20) NOT NULL CHECK (kind IN ('coordinator', 'lead', 'partner')),
    person_id  integer REFERENCES person(id)
)
"""

FUNCTIONS = """
CREATE OR REPLACE FUNCTION pathways_person_id() RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT person_id FROM server_principal WHERE role_name = session_user
$$;

CREATE OR REPLACE FUNCTION pathways_leads(target_action integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT EXISTS (
        SELECT 1 FROM action_lead al JOIN server_principal sp ON sp.person_id = al.person_id
        WHERE al.action_id = target_action AND sp.role_name = session_user
    )
$$;

CREATE OR REPLACE FUNCTION pathways_appendix_owner() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.owner_role := session_user;  -- who created a restricted appendix is the server's word, not the client's
    RETURN NEW;
END $$;

-- The body hashed is exactly desktop.services.audit.event_hash's: json.dumps(sort_keys=True, ensure_ascii=False)
-- of the event's fields, so `pathways check` verifies a server's chain with the same code as a file's.
CREATE OR REPLACE FUNCTION pathways_audit_chain() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    head text;
    body text;
BEGIN
    SELECT value INTO head FROM store_meta WHERE key = 'audit_head' FOR UPDATE;
    IF head IS NULL THEN
        RAISE EXCEPTION 'the audit trail has no head record';
    END IF;
    NEW.sequence := split_part(head, ':', 1)::integer + 1;
    NEW.previous_hash := split_part(head, ':', 2);
    NEW.actor_id := (SELECT person_id FROM server_principal WHERE role_name = session_user);
    NEW.at := clock_timestamp();
    body := '{"actor_id": ' || coalesce(NEW.actor_id::text, 'null')
        || ', "actor_label": ' || to_json(coalesce(NEW.actor_label, ''))::text
        || ', "after": ' || to_json(coalesce(NEW.after, ''))::text
        || ', "at": ' || to_json(to_char(NEW.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'))::text
        || ', "before": ' || to_json(coalesce(NEW.before, ''))::text
        || ', "entity": ' || to_json(NEW.entity)::text
        || ', "entity_id": ' || coalesce(NEW.entity_id::text, 'null')
        || ', "previous_hash": ' || to_json(NEW.previous_hash)::text
        || ', "reason": ' || to_json(coalesce(NEW.reason, ''))::text
        || ', "sequence": ' || NEW.sequence::text
        || ', "verb": ' || to_json(NEW.verb)::text
        || '}';
    NEW.hash := encode(sha256(convert_to(body, 'UTF8')), 'hex');
    UPDATE store_meta SET value = NEW.sequence::text || ':' || NEW.hash WHERE key = 'audit_head';
    RETURN NEW;
END $$;

DROP TRIGGER IF EXISTS audit_event_chain ON audit_event;
CREATE TRIGGER audit_event_chain BEFORE INSERT ON audit_event
    FOR EACH ROW EXECUTE FUNCTION pathways_audit_chain();

DROP TRIGGER IF EXISTS profile_appendix_owner ON profile_appendix;
CREATE TRIGGER profile_appendix_owner BEFORE INSERT ON profile_appendix
    FOR EACH ROW EXECUTE FUNCTION pathways_appendix_owner();
"""
AUDIT_TRIGGER = "audit_event_chain"


def _tables(conn: Connection) -> list[str]:
    return list(conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).scalars())


def _policies_for(table: str) -> list[str]:
    """CREATE POLICY statements for one table (beyond the owner's)."""
    def policy(name: str, command: str, role: str, using: str | None = None, check: str | None = None) -> str:
        sql = f"CREATE POLICY {name} ON {table} FOR {command} TO {role}"
        if using is not None:
            sql += f" USING ({using})"
        if check is not None:
            sql += f" WITH CHECK ({check})"
        return sql

    if table in OWNER_ONLY:
        return []
    if table in READ_ONLY:
        return [policy("app_read", "SELECT", APP, "true")]
    if table in APPEND_ONLY:
        return [policy("app_read", "SELECT", APP, "true"),
                policy("coordinator_append", "INSERT", COORDINATOR, check="true")]
    if table in COORDINATOR_ONLY:
        return [policy("coordinator_all", "ALL", COORDINATOR, "true", "true")]
    if table == "audit_event":
        # Appended by anyone (the trigger fills in the chain); read by coordinators; never updated or deleted.
        # Everyone reads their own events (which is also what INSERT … RETURNING checks).
        return [policy("app_append", "INSERT", APP, check="true"),
                policy("own_read", "SELECT", APP, "actor_id = pathways_person_id()"),
                policy("coordinator_read", "SELECT", COORDINATOR, "true")]
    if table == "store_meta":
        protected = ", ".join(f"'{k}'" for k in PROTECTED_META)
        return [policy("app_read", "SELECT", APP, "true"),
                policy("coordinator_insert", "INSERT", COORDINATOR, check=f"key NOT IN ({protected})"),
                policy("coordinator_update", "UPDATE", COORDINATOR, f"key NOT IN ({protected})",
                       f"key NOT IN ({protected})"),
                policy("coordinator_delete", "DELETE", COORDINATOR, f"key NOT IN ({protected})")]
    if table in LEAD_SCOPED:
        mine = f"pathways_leads({LEAD_SCOPED[table]})"
        out = [policy("coordinator_all", "ALL", COORDINATOR, "true", "true"),
               policy("partner_read", "SELECT", PARTNER, "true"),
               policy("lead_read", "SELECT", LEAD, mine)]
        if table == "action":
            out.append(policy("lead_update", "UPDATE", LEAD, mine, mine))
        if table == "action_update":
            out.append(policy("lead_record", "INSERT", LEAD, check=mine))
        return out
    if table == "profile_appendix":
        visible = "marking = 'partner' OR owner_role = session_user"
        return [policy("coordinator_all", "ALL", COORDINATOR, visible, visible),
                policy("partner_read", "SELECT", PARTNER, "marking = 'partner'")]
    if table in PROFILE_CHILDREN:
        # The appendix's own policies decide: the sub-select sees only the appendices this role may see.
        visible = PROFILE_CHILDREN[table]
        return [policy("coordinator_all", "ALL", COORDINATOR, visible, visible),
                policy("partner_read", "SELECT", PARTNER, visible)]
    return [policy("app_read", "SELECT", APP, "true"),
            policy("coordinator_all", "ALL", COORDINATOR, "true", "true")]


def apply_policies(owner: Connection) -> None:
    """Grants, FORCE ROW LEVEL SECURITY and policies on every table; run as the owner after every migration.

    Idempotent: existing policies are dropped and created again, so a new table gets deny-by-default at once.
    """
    owner.execute(text(PRINCIPAL_TABLE))
    owner.execute(text(FUNCTIONS))
    owner.execute(text(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC, {APP}"))
    owner.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP}"))
    for frozen in ("audit_event", *APPEND_ONLY, *READ_ONLY):
        owner.execute(text(f"REVOKE UPDATE, DELETE ON {frozen} FROM {APP}"))
    owner.execute(text(f"REVOKE ALL ON server_principal FROM {APP}"))
    owner.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {APP}"))
    owner.execute(text("REVOKE ALL ON FUNCTION pathways_audit_chain() FROM PUBLIC"))
    for table in _tables(owner):
        owner.execute(text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
        owner.execute(text(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY"))
        existing = owner.execute(text("SELECT policyname FROM pg_policies WHERE schemaname = 'public' "
                                      "AND tablename = :t"), {"t": table}).scalars().all()
        for name in existing:
            owner.execute(text(f"DROP POLICY {name} ON {table}"))
        owner.execute(text(f"CREATE POLICY owner_all ON {table} FOR ALL TO {OWNER} USING (true) WITH CHECK (true)"))
        for statement in _policies_for(table):
            owner.execute(text(statement))


def add_principal(admin: Connection, database: str, role: str, kind: str, person_id: int | None,
                  password: str | None = None) -> None:
    """A person's own login role in one of the groups, mapped to their Person (admin connection to ``database``)."""
    check_role_name(role)
    if kind not in KINDS:
        raise ValueError(f"A principal is one of {', '.join(KINDS)}.")
    exists = admin.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).scalar()
    if not exists:
        admin.execute(text(f"CREATE ROLE {role} LOGIN INHERIT"))
    if password is not None:
        # Utility statements take no bound parameters: a standard SQL literal (standard_conforming_strings is on).
        literal = "'" + password.replace("'", "''") + "'"
        admin.execute(text(f"ALTER ROLE {role} PASSWORD {literal}"))
    admin.execute(text(f"GRANT {KINDS[kind]} TO {role}"))
    admin.execute(text(f'GRANT CONNECT ON DATABASE "{database}" TO {role}'))
    admin.execute(text("INSERT INTO server_principal (role_name, kind, person_id) VALUES (:r, :k, :p) "
                       "ON CONFLICT (role_name) DO UPDATE SET kind = excluded.kind, person_id = excluded.person_id"),
                  {"r": role, "k": kind, "p": person_id})
