"""The Citus plan of each domain (``sql/<domain>/citus.toml``) and the catalog checks Citus requires of it.

Citus is not installed here, so the plan is data and the checks read the live catalog of a migrated
database: a distributed table's distribution column exists and is NOT NULL; every primary key,
unique constraint and unique index (partial ones too) of a distributed table includes it as a key
column; every foreign key between distributed tables includes it on both sides and joins tables of
one co-location group; no foreign key holding it sets it null or default on delete (nor null,
default or cascade on update); no reference table points at a distributed one; no foreign key joins
a distributed and a local table; no row-level security policy of a distributed or reference table
holds a subquery (Citus refuses one in a policy, ``(select core.acting_user())`` included). What
today's schema breaks is listed in the plan as a deviation
with its reason; :func:`violations` must equal the deviations, so a new break fails the check and a
fixed one must be struck from the plan. The routing check is static: every distributed table a hot
query names must be pinned by its distribution column, or the query is marked cross-shard in the
plan.

A domain may span schemas (ai_seo keeps its event log in ``analytics``): the plan lists them
(``schemas = [...]``, the first is the domain's own), and a table of another schema is named with its
schema (``"analytics.system_events"``) wherever the plan places it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from sqlfirst import project
from sqlfirst.db import Executor
from sqlfirst.errors import ConfigurationError

__all__ = [
    "Plan",
    "Violation",
    "function_bodies",
    "load_plan",
    "named_queries",
    "pins_column",
    "plan_path",
    "sql_commands",
    "unclassified_tables",
    "unrouted_queries",
    "violations",
]


@dataclass(frozen=True, slots=True, order=True)
class Violation:
    # "missing_column" | "nullable_column" | "unique" | "unique_index" | "foreign_key"
    # | "foreign_key_action" | "colocation" | "reference_to_distributed" | "distributed_to_local"
    # | "local_to_distributed" | "policy_subquery"
    rule: str
    table: str
    constraint: str


@dataclass(frozen=True, slots=True)
class Plan:
    domain: str
    schema: str
    distributed: dict[str, str]  # table -> distribution column
    colocation: dict[str, str]  # table -> co-location group
    reference: tuple[str, ...]
    local: dict[str, str]  # table -> why it stays on the coordinator
    deviations: dict[Violation, str]  # what today's schema breaks -> why / what fixes it
    cross_shard: dict[str, str] = field(default_factory=dict)  # hot query -> why it is not routed
    extra_schemas: tuple[str, ...] = ()  # further schemas of the domain; their tables are schema-qualified

    @property
    def schemas(self) -> tuple[str, ...]:
        return (self.schema, *self.extra_schemas)

    def name(self, schema: str, table: str) -> str:
        """How the plan names ``schema.table``: bare in the domain's own schema, else qualified."""
        return table if schema == self.schema else f"{schema}.{table}"

    def qualified(self, table: str) -> str:
        """``schema.table`` for a table as the plan names it."""
        return table if "." in table else f"{self.schema}.{table}"


def plan_path(domain: str) -> Path:
    """Where ``domain``'s plan lives: ``sql/<domain>/citus.toml``."""
    return project.current().sql_root(domain) / domain / "citus.toml"


def load_plan(path: Path) -> Plan:
    data = tomllib.loads(path.read_text())
    distributed: dict[str, str] = {}
    colocation: dict[str, str] = {}
    for table, spec in data.get("distributed", {}).items():
        distributed[table] = spec["column"]
        colocation[table] = spec.get("colocate", "default")
    deviations = {
        Violation(d["rule"], d["table"], d["constraint"]): d["reason"] for d in data.get("deviation", [])
    }
    schemas = data.get("schemas", [data.get("schema", data["domain"])])
    return Plan(
        domain=data["domain"],
        schema=schemas[0],
        distributed=distributed,
        colocation=colocation,
        reference=tuple(data.get("reference", {}).get("tables", [])),
        local={table: spec["reason"] for table, spec in data.get("local", {}).items()},
        deviations=deviations,
        cross_shard=dict(data.get("cross_shard", {})),
        extra_schemas=tuple(schemas[1:]),
    )


_TABLES = """
select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname = any($1::text[]) and c.relkind in ('r', 'p') and not c.relispartition
order by 1, 2
"""

_COLUMNS = """
select n.nspname, c.relname, array_agg(a.attname::text) as columns,
       array_agg(a.attname::text) filter (where a.attnotnull) as not_null
from pg_class c join pg_namespace n on n.oid = c.relnamespace
join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
where n.nspname = any($1::text[]) and c.relkind in ('r', 'p') and not c.relispartition
group by n.nspname, c.relname
"""

_CONSTRAINTS = """
select c.conname, c.contype::text as kind, c.confdeltype::text as on_delete,
       c.confupdtype::text as on_update, n.nspname as schema, t.relname as table_name,
       ft.relname as foreign_table, fn.nspname as foreign_schema,
       array(select a.attname::text from unnest(c.conkey) with ordinality k(n, i)
             join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n order by k.i) as columns,
       array(select a.attname::text from unnest(c.confkey) with ordinality k(n, i)
             join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.n order by k.i)
         as foreign_columns
from pg_constraint c
join pg_class t on t.oid = c.conrelid
join pg_namespace n on n.oid = t.relnamespace
left join pg_class ft on ft.oid = c.confrelid
left join pg_namespace fn on fn.oid = ft.relnamespace
where n.nspname = any($1::text[]) and c.contype in ('p', 'u', 'f') and c.conparentid = 0
order by n.nspname, t.relname, c.conname
"""

# Unique indexes that back no primary key or unique constraint (those are checked above): plain,
# partial and expression indexes. Only key columns count; an expression holds no column as a key.
_UNIQUE_INDEXES = """
select n.nspname as schema, t.relname as table_name, i.relname as index_name,
       array(select a.attname::text from unnest(x.indkey[:x.indnkeyatts - 1]) k(n)
             join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.n) as columns
from pg_index x
join pg_class i on i.oid = x.indexrelid
join pg_class t on t.oid = x.indrelid
join pg_namespace n on n.oid = t.relnamespace
where n.nspname = any($1::text[]) and x.indisunique and not t.relispartition
  and not exists (select from pg_constraint c
                  where c.conindid = x.indexrelid and c.conrelid = x.indrelid and c.contype in ('p', 'u'))
order by n.nspname, t.relname, i.relname
"""


# Row-level security policies whose USING or WITH CHECK expression holds a subquery (a SubLink node:
# EXISTS, IN, or a scalar (select ...)). Citus refuses such a policy on any of its tables ("cannot
# create policy: Subqueries are not supported in policies on distributed tables").
_POLICIES = """
select n.nspname as schema, c.relname as table_name, p.polname as name
from pg_policy p
join pg_class c on c.oid = p.polrelid
join pg_namespace n on n.oid = c.relnamespace
where n.nspname = any($1::text[]) and not c.relispartition
  and (position('{SUBLINK' in p.polqual::text) > 0 or position('{SUBLINK' in p.polwithcheck::text) > 0)
order by n.nspname, c.relname, p.polname
"""


async def unclassified_tables(conn: Executor, plan: Plan) -> list[str]:
    """Tables of the domain's schema the plan does not place (distributed, reference or local)."""
    placed = set(plan.distributed) | set(plan.reference) | set(plan.local)
    names = [plan.name(r["nspname"], r["relname"]) for r in await conn.fetch(_TABLES, list(plan.schemas))]
    return [name for name in names if name not in placed]


async def violations(conn: Executor, plan: Plan) -> list[Violation]:
    """What the live schema breaks of Citus' rules under ``plan``."""
    found: list[Violation] = []
    schemas = list(plan.schemas)
    for row in await conn.fetch(_COLUMNS, schemas):
        table = plan.name(row["nspname"], row["relname"])
        column = plan.distributed.get(table)
        if column is not None and column not in row["columns"]:
            found.append(Violation("missing_column", table, column))
        elif column is not None and column not in (row["not_null"] or []):
            found.append(Violation("nullable_column", table, column))
    for row in await conn.fetch(_UNIQUE_INDEXES, schemas):
        table = plan.name(row["schema"], row["table_name"])
        column = plan.distributed.get(table)
        if column is not None and column not in row["columns"]:
            found.append(Violation("unique_index", table, row["index_name"]))
    for row in await conn.fetch(_CONSTRAINTS, schemas):
        table, name, columns = plan.name(row["schema"], row["table_name"]), row["conname"], row["columns"]
        column = plan.distributed.get(table)
        if row["kind"] in ("p", "u"):
            if column is not None and column not in columns:
                found.append(Violation("unique", table, name))
            continue
        # set null / set default on delete, or those and cascade on update, would rewrite the
        # distribution column: Citus refuses such a key whatever it references
        rewrites = row["on_delete"] in ("n", "d") or row["on_update"] in ("n", "d", "c")
        if column is not None and column in columns and rewrites:
            found.append(Violation("foreign_key_action", table, name))
        if row["foreign_schema"] not in plan.schemas:
            continue  # core tables are reference tables of every domain
        target = plan.name(row["foreign_schema"], row["foreign_table"])
        target_column = plan.distributed.get(target)
        if table in plan.reference and target_column is not None:
            found.append(Violation("reference_to_distributed", table, name))
        if column is not None and target in plan.local:
            found.append(Violation("distributed_to_local", table, name))
        if table in plan.local and target_column is not None:
            found.append(Violation("local_to_distributed", table, name))
        if column is None or target_column is None:
            continue
        if plan.colocation[table] != plan.colocation[target]:
            found.append(Violation("colocation", table, name))
        pairs = list(zip(columns, row["foreign_columns"], strict=True))
        if (column, target_column) not in pairs:
            found.append(Violation("foreign_key", table, name))
    for row in await conn.fetch(_POLICIES, schemas):
        table = plan.name(row["schema"], row["table_name"])
        if table in plan.distributed or table in plan.reference:
            found.append(Violation("policy_subquery", table, row["name"]))
    return sorted(found)


def sql_commands(plan: Plan) -> list[str]:
    """The statements that would distribute the domain on a Citus coordinator."""
    commands = [f"select create_reference_table('{plan.qualified(t)}');" for t in plan.reference]
    anchors: dict[str, str] = {}
    for table, column in plan.distributed.items():
        group = plan.colocation[table]
        anchor = anchors.setdefault(group, table)
        colocate = "" if anchor == table else f", colocate_with => '{plan.qualified(anchor)}'"
        commands.append(f"select create_distributed_table('{plan.qualified(table)}', '{column}'{colocate});")
    return commands


_NAME = re.compile(r"^--\s*name:\s*(\w+)", re.M)


def named_queries(domain: str) -> dict[str, str]:
    """Every named query of ``domain`` (``-- name:`` blocks in ``sql/<domain>/*.sql``) -> its SQL."""
    found: dict[str, str] = {}
    for path in sorted((project.current().sql_root(domain) / domain).glob("*.sql")):
        text = path.read_text()
        marks = list(_NAME.finditer(text))
        for mark, following in zip(marks, [*marks[1:], None], strict=True):
            end = following.start() if following is not None else len(text)
            found[mark.group(1)] = text[mark.end() : end]
    return found


_PARAMETER_OR_LITERAL = r"(?::\w+|\$\d+|'[^']*')"
_VALUE = rf"(?:{_PARAMETER_OR_LITERAL}|\(\s*select\b)"
"""What pins a column compared to it: a parameter, a literal, a scalar subquery (``(select ...)``)."""


def pins_column(sql: str, column: str, *, table: str | None = None) -> bool:
    """Whether a statement pins ``column`` to one value (or a list): ``column = `` a parameter, a
    literal or a scalar subquery, a parameter or literal ``= column``, an IN list, ``= any(...)``, or
    the column list of an insert (into ``table`` when given, into any table else). An equality of two columns
    (``m.user_id = claimed.user_id``) pins nothing by itself: the queue a claim reads spans every
    tenant whatever it joins on."""
    body = re.sub(r"--[^\n]*", "", sql).lower()
    named = rf"(?<![\w.])(?:\w+\.)?{column}(?![\w])"
    if re.search(rf"{named}\s*(?:=\s*{_VALUE}|in\s*\(|=\s*any\b)", body):
        return True
    if re.search(rf"{_PARAMETER_OR_LITERAL}\s*=\s*{named}", body):
        return True
    target = re.escape(table.lower()) if table is not None else r"[\w.]+"
    for insert in re.finditer(rf"insert\s+into\s+{target}(?:\s+as\s+\w+)?\s*\(([^)]*)\)", body):
        if column in {c.strip() for c in insert.group(1).split(",")}:
            return True
    return False


def unrouted_queries(plan: Plan, hot: set[str]) -> set[str]:
    """Hot queries of the domain that touch a distributed table without pinning its column: each
    distributed table a statement names must be pinned (a statement that inserts into one table by
    its tenant but reads another by id alone still reads every shard). A call of one of the domain's
    functions whose body (or a function it calls) names a distributed table is routed only when it
    passes that table's column as an argument, as ``create_distributed_function`` would route it by
    ``distribution_arg_name``; the bodies are read from the schema snapshots (``schema.sql``)."""
    bodies = function_bodies(plan.schemas)
    unrouted: set[str] = set()
    for name, text in named_queries(plan.domain).items():
        if name not in hot:
            continue
        sql = _blank(text)
        touched = [t for t in plan.distributed if _names(sql, plan.qualified(t))]
        if not all(pins_column(sql, plan.distributed[t], table=plan.qualified(t)) for t in touched):
            unrouted.add(name)
            continue
        for function, arguments in _calls(sql, bodies):
            reached = _reached(function, bodies)
            columns = {
                plan.distributed[t]
                for t in plan.distributed
                if any(_names(b, plan.qualified(t)) for b in reached)
            }
            if any(not re.search(rf":{c}\b", arguments) for c in columns):
                unrouted.add(name)
    return unrouted


def _names(sql: str, qualified: str) -> bool:
    return re.search(rf"\b{re.escape(qualified)}\b", sql, re.I) is not None


_HEADER = re.compile(r"^CREATE (?:FUNCTION|PROCEDURE) (\w+\.\w+)\(", re.M)
_NEXT_STATEMENT_LINE = re.compile(r"^\S.*$", re.M)  # pg_dump indents what continues a statement
_DOLLAR_BODY = re.compile(r"^\s+AS \$(\w*)\$", re.M)
_ATOMIC_END = re.compile(r"^END;", re.M)
_LITERAL_OR_COMMENT = re.compile(
    r"[Ee]'(?:[^'\\]|\\.|'')*'|'(?:[^']|'')*'|\$(\w*)\$.*?\$\1\$|--[^\n]*|/\*.*?\*/", re.S
)


def function_bodies(schemas: tuple[str, ...]) -> dict[str, list[str]]:
    """The bodies of the functions and procedures of ``schemas`` (``schema.name`` -> one body per
    overload), from the schema snapshot (``schema.sql``, written by ``sqlfirst migrate dump``) of
    every migrations folder of the current project: a dollar-quoted body (``AS $tag$ ... $tag$``), a
    SQL-standard one (``BEGIN ATOMIC ... END;``), else the rest of the statement (``RETURN expr``).
    :class:`ConfigurationError` when no folder has a snapshot, or a body has no end."""
    snapshots = [f.path / "schema.sql" for f in project.current().migration_folders]
    found = [path for path in dict.fromkeys(snapshots) if path.is_file()]
    if not found:
        raise ConfigurationError(
            f"no schema snapshot in {', '.join(str(p) for p in snapshots)}: the routing check reads the "
            "bodies of the functions the queries call from it; write it with `sqlfirst migrate dump`"
        )
    bodies: dict[str, list[str]] = {}
    for path in found:
        text = path.read_text()
        for header in _HEADER.finditer(text):
            if header.group(1).split(".")[0] not in schemas:
                continue
            line_end = text.find("\n", header.end())
            following = _NEXT_STATEMENT_LINE.search(text, line_end + 1) if line_end >= 0 else None
            region_end = following.start() if following is not None else len(text)
            if following is not None and following.group(0).startswith("BEGIN ATOMIC"):
                closing = _ATOMIC_END.search(text, following.end())
                start, end = following.end(), closing.start() if closing is not None else -1
            elif (dollar := _DOLLAR_BODY.search(text, header.end(), region_end)) is not None:
                start, end = dollar.end(), text.find(f"${dollar.group(1)}$", dollar.end())
            else:
                start, end = header.end(), region_end
            if end < 0:
                raise ConfigurationError(f"{path}: the body of {header.group(1)} has no end")
            bodies.setdefault(header.group(1), []).append(text[start:end])
    return bodies


def _blank(sql: str) -> str:
    """``sql`` with string literals (plain, E'', dollar-quoted) emptied and comments removed: a
    parenthesis, a name or a filter inside one is not code."""
    return _LITERAL_OR_COMMENT.sub(lambda m: " " if m.group(0).startswith(("--", "/*")) else "''", sql)


def _calls(sql: str, bodies: dict[str, list[str]]) -> list[tuple[str, str]]:
    """The calls in ``sql`` of a function with a known body: (name, argument text), read on
    :func:`_blank`'s text."""
    body = _blank(sql)
    found = []
    for match in re.finditer(r"\b(\w+\.\w+)\s*\(", body):
        if match.group(1) not in bodies:
            continue
        depth, end = 1, match.end()
        while end < len(body) and depth:
            depth += {"(": 1, ")": -1}.get(body[end], 0)
            end += 1
        found.append((match.group(1), body[match.end() : end - 1]))
    return found


def _reached(function: str, bodies: dict[str, list[str]]) -> list[str]:
    """The bodies of ``function`` and of every function of known body it calls, transitively."""
    seen, pending, reached = {function}, [function], []
    while pending:
        for text in bodies[pending.pop()]:
            reached.append(text)
            for callee, _ in _calls(text, bodies):
                if callee not in seen:
                    seen.add(callee)
                    pending.append(callee)
    return reached
