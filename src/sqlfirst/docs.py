"""``sqlfirst docs``: a generated reference for every domain, from the live catalog and the declarations.

For each domain, ``docs/<domain>.md`` holds an ER diagram (Mermaid ``erDiagram``: tables with their
key columns, foreign-key relationships), its enum types, and every public repository function with
its signature, its one-line doc, where its SQL lives (``sql/<domain>/<entity>.sql:line``) and its
latency budget. Everything is read from a freshly migrated database and the imported declarations,
in a fixed order, so the same code always renders the same text and a test can say when the
committed files are stale.
"""

from __future__ import annotations

import importlib
import inspect
import re
import types
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType
from typing import Any

import asyncpg

from sqlfirst import paths, project
from sqlfirst.bench.registry import TARGET_SECTIONS, budget_files, budget_tables
from sqlfirst.binding import Declaration

__all__ = ["domain_schemas", "render_domain", "render_index"]

_CREATE_SCHEMA = re.compile(
    r"^\s*create\s+schema\s+(?:if\s+not\s+exists\s+)?(\w+)", re.IGNORECASE | re.MULTILINE
)
_MIGRATION = re.compile(r"^\d{4}_(?P<domain>[a-z][a-z0-9]*(?:_[a-z0-9]+)*?)_[a-z][a-z0-9_]*\.sql$")


def domain_schemas(domain: str, migrations: Path | None = None) -> list[str]:
    """The schemas the domain's migrations create (``create schema``), in file order: those of the
    ``migrations`` folder, by default of the current project's folders
    (:attr:`~sqlfirst.project.Project.migration_folders`)."""
    found: list[str] = []
    folders = (project.Folder(migrations),) if migrations else project.current().migration_folders
    files = [
        path
        for folder in folders
        if folder.holds(domain)
        for path in sorted(folder.path.glob(f"[0-9][0-9][0-9][0-9]_{domain}_*.sql"))
    ]
    for path in files:
        if path.name.endswith(".rollback.sql"):
            continue
        for name in _CREATE_SCHEMA.findall(path.read_text(encoding="utf-8")):
            if name not in found:
                found.append(name)
    return found


@dataclass
class _Column:
    name: str
    type: str
    not_null: bool
    keys: list[str] = field(default_factory=list)


@dataclass
class _Table:
    oid: int
    schema: str
    name: str
    partitioned: bool
    comment: str | None
    columns: list[_Column] = field(default_factory=list)


async def _tables(conn: asyncpg.Connection[asyncpg.Record], schemas: list[str]) -> list[_Table]:
    rows = await conn.fetch(
        """
        select c.oid, n.nspname, c.relname, c.relkind = 'p' as partitioned,
               obj_description(c.oid, 'pg_class') as comment
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = any($1::text[]) and c.relkind in ('r', 'p') and not c.relispartition
        order by array_position($1::text[], n.nspname::text), c.relname
        """,
        schemas,
    )
    tables = {
        r["oid"]: _Table(r["oid"], r["nspname"], r["relname"], r["partitioned"], r["comment"]) for r in rows
    }
    columns = await conn.fetch(
        """
        select a.attrelid, a.attname, a.attnotnull, t.typname, t.typtype::text as typtype,
               format_type(a.atttypid, null) as formatted
        from pg_attribute a join pg_type t on t.oid = a.atttypid
        where a.attrelid = any($1::oid[]) and a.attnum > 0 and not a.attisdropped
        order by a.attrelid, a.attnum
        """,
        list(tables),
    )
    for c in columns:
        kind = c["typname"] if c["typtype"] == "e" else c["formatted"]
        tables[c["attrelid"]].columns.append(_Column(c["attname"], _mermaid_type(kind), c["attnotnull"]))
    return list(tables.values())


def _mermaid_type(name: str) -> str:
    short = {
        "timestamp with time zone": "timestamptz",
        "timestamp without time zone": "timestamp",
        "character varying": "varchar",
        "double precision": "float8",
        "time without time zone": "time",
        "time with time zone": "timetz",
    }
    name = name.rpartition(".")[2]
    array = name.endswith("[]")
    base = short.get(name.removesuffix("[]"), name.removesuffix("[]"))
    base = re.sub(r"[^A-Za-z0-9_]", "_", base)
    return f"{base}_array" if array else base


@dataclass(frozen=True)
class _Key:
    kind: str  # p, u, f
    table: int
    columns: tuple[str, ...]
    ref_table: int = 0
    on_delete: str = ""


async def _keys(conn: asyncpg.Connection[asyncpg.Record], oids: list[int]) -> list[_Key]:
    rows = await conn.fetch(
        """
        select con.contype::text as kind, con.conrelid, con.confrelid, con.confdeltype::text as deltype,
               array(select a.attname from unnest(con.conkey) with ordinality k(num, pos)
                     join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.num
                     order by k.pos)::text[]
                   as columns
        from pg_constraint con
        where con.conrelid = any($1::oid[]) and con.contype in ('p', 'u', 'f') and con.conparentid = 0
        order by con.conrelid, con.contype, con.conname
        """,
        oids,
    )
    actions = {"a": "no action", "r": "restrict", "c": "cascade", "n": "set null", "d": "set default"}
    return [
        _Key(r["kind"], r["conrelid"], tuple(r["columns"]), r["confrelid"], actions.get(r["deltype"], ""))
        for r in rows
    ]


async def _enums(conn: asyncpg.Connection[asyncpg.Record], schemas: list[str]) -> list[tuple[str, list[str]]]:
    rows = await conn.fetch(
        """
        select n.nspname || '.' || t.typname as name,
               array(select e.enumlabel from pg_enum e
                     where e.enumtypid = t.oid order by e.enumsortorder)::text[]
                   as labels
        from pg_type t join pg_namespace n on n.oid = t.typnamespace
        where t.typtype = 'e' and n.nspname = any($1::text[])
        order by 1
        """,
        schemas,
    )
    return [(r["name"], list(r["labels"])) for r in rows]


def _budgets(folder: Path | None) -> dict[tuple[str, str], str]:
    if folder is None or not budget_files(folder):
        return {}
    data = budget_tables(folder)
    found: dict[tuple[str, str], str] = {}
    for domain, queries in data.items():
        if domain == "settings" or domain in TARGET_SECTIONS:
            continue
        for name, spec in queries.items():
            if "p95_ms" in spec:
                found[(domain, name)] = f"p95 ≤ {spec['p95_ms']} ms"
            elif "cold" in spec:
                found[(domain, name)] = "not benchmarked"
    return found


def _diagram(tables: list[_Table], keys: list[_Key], qualify: bool) -> list[str]:
    by_oid = {t.oid: t for t in tables}

    def entity(table: _Table) -> str:
        return f"{table.schema}_{table.name}" if qualify else table.name

    marks: dict[tuple[int, str], list[str]] = {}
    for key in keys:
        tag = {"p": "PK", "u": "UK", "f": "FK"}[key.kind]
        for name in key.columns:
            tags = marks.setdefault((key.table, name), [])
            if tag not in tags:
                tags.append(tag)
    lines = ["```mermaid", "erDiagram"]
    for table in tables:
        lines.append(f"    {entity(table)} {{")
        for column in table.columns:
            marked = marks.get((table.oid, column.name))
            if marked:
                lines.append(
                    f"        {column.type} {column.name} {', '.join(sorted(marked, key='PKFKUK'.index))}"
                )
        lines.append("    }")
    uniques = {(k.table, k.columns) for k in keys if k.kind in ("p", "u")}
    for key in keys:
        if key.kind != "f" or key.ref_table not in by_oid:
            continue
        child = by_oid[key.table]
        nullable = any(not c.not_null for c in child.columns if c.name in key.columns)
        parent_side = "|o" if nullable else "||"
        child_side = "o|" if (key.table, key.columns) in uniques else "o{"
        label = ", ".join(key.columns)
        lines.append(
            f'    {entity(by_oid[key.ref_table])} {parent_side}--{child_side} {entity(child)} : "{label}"'
        )
    lines.append("```")
    return lines


def _functions(
    domain: str, declarations: Mapping[tuple[str, str, str], Declaration]
) -> dict[str, list[types.FunctionType]]:
    """Public functions of the modules that declare each entity's queries, in source order, keyed by
    module name (a module is usually ``sqlfirst.<domain>.<entity>``, but need not be)."""
    root = project.current().sql_root(domain) / domain
    found: dict[str, list[types.FunctionType]] = {}
    for path in sorted(root.glob("*.sql")):
        modules = sorted(
            {
                d.function.rpartition(".")[0].rsplit(".<locals>", 1)[0]
                for (dom, entity, _), d in declarations.items()
                if dom == domain and entity == path.stem
            }
            or {f"{_package(domain)}.{path.stem}"}
        )
        for name in modules:
            if name in found:
                continue
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError:
                continue
            public = getattr(module, "__all__", None) or [n for n in vars(module) if not n.startswith("_")]
            functions: list[types.FunctionType] = []
            for n in public:
                candidate = getattr(module, n, None)
                if isinstance(candidate, types.FunctionType) and candidate.__module__ == module.__name__:
                    functions.append(candidate)
            functions.sort(key=lambda f: inspect.unwrap(f).__code__.co_firstlineno)
            found[name] = functions
    return found


def _queries_of(fn: Callable[..., Any]) -> list[Declaration]:
    """The declarations ``fn`` is, or calls (module-level names it references)."""
    own = getattr(fn, "__sqlfirst__", None)
    if isinstance(own, Declaration):
        return [own]
    module_globals = getattr(fn, "__globals__", {})
    found: list[Declaration] = []
    for name in _names_used(fn.__code__):
        decl = getattr(module_globals.get(name), "__sqlfirst__", None)
        if isinstance(decl, Declaration) and decl not in found:
            found.append(decl)
    return found


def _names_used(code: CodeType) -> list[str]:
    """The global names ``code`` references, and those of the functions it defines (a lambda that
    makes the call, as ``sqlfirst.batches.drain`` is given)."""
    names = list(code.co_names)
    for const in code.co_consts:
        if isinstance(const, CodeType):
            names += _names_used(const)
    return names


def _signature(fn: Callable[..., Any]) -> str:
    text = str(inspect.signature(fn))
    return re.sub(r"'([^']*)'", r"\1", text)  # postponed annotations are strings


def _where(decl: Declaration) -> str:
    """``sql/<domain>/<entity>.sql:line``, the folder as the project names it (relative to its root)."""
    current = project.current()
    folder = Path("sql")
    root = current.sql_root(decl.domain)
    if not current.is_builtin and root == current.sql_dir and root.is_relative_to(current.root):
        folder = root.relative_to(current.root)
    return f"{folder.as_posix()}/{decl.domain}/{decl.entity}.sql:{decl.query.line}"


async def render_domain(
    conn: asyncpg.Connection[asyncpg.Record],
    domain: str,
    declarations: Mapping[tuple[str, str, str], Declaration],
    *,
    benchmarks: Path | None = None,
    title: str | None = None,
) -> str:
    """The Markdown reference of ``domain`` (read from the migrated database behind ``conn``), with the
    latency budgets of the ``benchmarks`` folder (:func:`sqlfirst.bench.registry.budget_files`)."""
    schemas = domain_schemas(domain)
    tables = await _tables(conn, schemas)
    keys = await _keys(conn, [t.oid for t in tables])
    enums = await _enums(conn, schemas)
    budgets = _budgets(benchmarks)
    lines = [
        f"# {title or domain}",
        "",
        f"Generated by `sqlfirst docs` from the migrated schema{'s' if len(schemas) > 1 else ''} "
        + ", ".join(f"`{s}`" for s in schemas)
        + " and the typed declarations; do not edit by hand.",
        "",
        "## Tables",
        "",
    ]
    lines += _diagram(tables, keys, qualify=len(schemas) > 1)
    # No column counts: an optional extension (pgvector) adds columns on some servers only.
    lines += ["", "| table | notes |", "|---|---|"]
    for table in tables:
        notes = "partitioned" if table.partitioned else ""
        if table.comment:
            notes = f"{notes}; {table.comment}" if notes else table.comment
        notes = " ".join(notes.split()).replace("|", "\\|")
        lines.append(f"| `{table.schema}.{table.name}` | {notes} |")
    fks = [k for k in keys if k.kind == "f"]
    by_oid = {t.oid: t for t in tables}
    if fks:
        lines += ["", "| foreign key | references | on delete |", "|---|---|---|"]
        for key in fks:
            child, parent = by_oid[key.table], by_oid.get(key.ref_table)
            target = f"`{parent.schema}.{parent.name}`" if parent else "(another schema)"
            lines.append(f"| `{child.name}({', '.join(key.columns)})` | {target} | {key.on_delete} |")
    if enums:
        lines += ["", "## Enums", "", "| enum | values |", "|---|---|"]
        lines += [f"| `{name}` | {', '.join(f'`{v}`' for v in values)} |" for name, values in enums]
    lines += ["", "## Functions", ""]
    for module, functions in _functions(domain, declarations).items():
        if not functions:
            continue
        lines += [
            f"### `{module}`",
            "",
            "| function | does | SQL | budget |",
            "|---|---|---|---|",
        ]
        for fn in functions:
            doc = (inspect.getdoc(fn) or "").split("\n\n")[0].replace("\n", " ").replace("|", "\\|")
            decls = _queries_of(fn)
            where = "<br>".join(f"`{_where(d)}`" for d in decls) or "—"
            budget = "<br>".join(budgets.get((d.domain, d.query.name), "—") for d in decls) or "—"
            signature = f"{fn.__name__}{_signature(fn)}".replace("|", "\\|")
            lines.append(f"| `{signature}` | {doc} | {where} | {budget} |")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def render_index(domains: Iterable[tuple[str, str]]) -> str:
    """``docs/README.md``: one line per domain (name, description)."""
    lines = ["# Reference", "", "Generated by `sqlfirst docs`; one page per domain.", ""]
    lines += [f"- [{name}]({name}.md): {description}" for name, description in domains]
    return "\n".join(lines) + "\n"


def _package(domain: str) -> str:
    """The package declaring ``domain``'s queries (the current project's, else a built-in domain's)."""
    found = project.current().domain(domain) or project.builtin().domain(domain)
    return found.package if found is not None else domain


def _description(domain: str) -> str:
    try:
        module = importlib.import_module(_package(domain))
    except ModuleNotFoundError:
        return ""
    return (inspect.getdoc(module) or "").split("\n")[0]


async def render_all(url: str) -> dict[str, str]:
    """Every domain's page and the index, keyed by file name, from the migrated database at ``url``."""
    from sqlfirst.binding import DECLARATIONS
    from sqlfirst.db import connect_one
    from sqlfirst.project import import_declarations

    import_declarations()
    conn = await connect_one(url)
    try:
        pages = {
            f"{domain}.md": await render_domain(conn, domain, DECLARATIONS, benchmarks=paths.benchmarks_dir())
            for domain in paths.domains()
        }
    finally:
        await conn.close()
    pages["README.md"] = render_index((d, _description(d)) for d in paths.domains())
    return pages


async def generate(url: str) -> dict[str, str]:
    """Migrate a scratch database on the server at ``url``, render every page, drop the database."""
    from sqlfirst.check import scratch_database
    from sqlfirst.db import connect_one
    from sqlfirst.migrate import Migrator

    name, scratch_url = scratch_database(url)
    admin = await connect_one(url)
    try:
        await admin.execute(f'create database "{name}"')
        try:
            Migrator(scratch_url).up()
            return await render_all(scratch_url)
        finally:
            await admin.execute(f'drop database if exists "{name}" with (force)')
    finally:
        await admin.close()


def stale(pages: Mapping[str, str], directory: Path) -> list[str]:
    """Unified diffs of the committed pages in ``directory`` that differ from ``pages`` (and of
    committed pages no domain renders any more)."""
    import difflib

    problems: list[str] = []
    for name, text in sorted(pages.items()):
        path = directory / name
        current = path.read_text(encoding="utf-8") if path.is_file() else ""
        if current != text:
            diff = difflib.unified_diff(
                current.splitlines(keepends=True),
                text.splitlines(keepends=True),
                f"{path} (committed)",
                f"{path} (generated)",
            )
            problems.append("".join(diff))
    for path in sorted(directory.glob("*.md")) if directory.is_dir() else []:
        if path.name not in pages:
            problems.append(f"{path}: no domain renders this page any more; delete it")
    return problems
