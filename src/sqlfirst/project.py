"""The project sqlfirst works on: its named queries, migrations, declarations and benchmarks.

A project describes itself in its own ``pyproject.toml``::

    [tool.sqlfirst]
    sql = "sql"                  # named queries: sql/<domain>/<entity>.sql       (default "sql")
    migrations = "migrations"    # NNNN_<domain>_<what>.sql and schema.sql        (default "migrations")
    benchmarks = "benchmarks"    # workloads/<domain>/ and budgets of `sqlfirst bench` (default "benchmarks")

    builtin = ["deals"]          # built-in domains used beside the project's own: names, or true for
                                 # all of them                                      (default: none)

    [tool.sqlfirst.domains]
    shop = "shop.queries"        # a domain (one Postgres schema) -> the package declaring its queries

A domain may also be a table: ``shop = {package = "shop.queries", cli = "shop.cli:app"}`` mounts a
Typer app as ``sqlfirst shop``. Folders are relative to the pyproject's directory.

The built-in domains a project includes are its domains like its own (a name may not be both):
``migrate`` applies the built-in ``core`` migrations and theirs from the built-in migrations folder,
then the project's own from its folder (:attr:`Project.migration_folders`); ``check`` and ``docs``
read their queries from the built-in ``sql/`` (:attr:`Project.sql_folders`). ``bench`` measures the
project's own domains only: the built-in ones are benchmarked in sqlfirst's repository.

``sqlfirst check``, ``migrate``, ``partitions`` and ``docs`` then work on that project, and
``SqlFile("shop", "orders")`` finds ``sql/shop/orders.sql``. sqlfirst's own five domains are
registered the same way, as data (``sqlfirst/builtin.toml``), and are what you get with no
configuration; their declarations find their own files whichever project is current.

The current project is, in order: the one ``SQLFIRST_PROJECT`` names (a directory or a
``pyproject.toml``); else the nearest ``pyproject.toml`` with a ``[tool.sqlfirst]`` table in the
working directory or a parent; else the built-in one. ``SQLFIRST_SQL_DIR``,
``SQLFIRST_MIGRATIONS_DIR`` and ``SQLFIRST_BENCH_DIR`` override the current project's folders.
"""

from __future__ import annotations

import functools
import importlib
import os
import re
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlfirst.errors import ConfigurationError

__all__ = [
    "BUILTIN_CONFIG",
    "CORE",
    "Domain",
    "Folder",
    "Project",
    "builtin",
    "current",
    "import_declarations",
    "importable",
    "load",
    "query_folders",
    "sql_root_for",
]

_PACKAGE = Path(__file__).resolve().parent
BUILTIN_CONFIG = _PACKAGE / "builtin.toml"
"""The built-in domains, registered in the same shape as a project's ``[tool.sqlfirst]``."""

_NAME = re.compile(r"[a-z][a-z0-9_]*")
_MODULE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
_KEYS = {"sql", "migrations", "benchmarks", "builtin", "domains"}

CORE = "core"
"""The engine's own domain: roles and partition upkeep (migrations ``NNNN_core_*``), no queries."""


@dataclass(frozen=True, slots=True)
class Domain:
    """One domain of a project: its name (the Postgres schema's), the package declaring its queries,
    and optionally a Typer app (``module:attribute``) mounted as ``sqlfirst <name>``."""

    name: str
    package: str
    cli: str | None = None


@dataclass(frozen=True, slots=True)
class Folder:
    """A folder of queries (``<domain>/`` subfolders) or of migrations, and the domains a project
    takes from it: ``None`` for all of them."""

    path: Path
    domains: frozenset[str] | None = None

    def holds(self, domain: str | None) -> bool:
        return self.domains is None or domain in self.domains


@dataclass(frozen=True, slots=True)
class Project:
    """Where a project keeps its queries, migrations and benchmarks, and its domains."""

    root: Path
    sql_dir: Path
    migrations_dir: Path
    benchmarks_dir: Path
    domains: tuple[Domain, ...]
    """Every domain: the included built-in ones first, then the project's own."""
    config: Path | None = None
    """The ``pyproject.toml`` it was read from; None for the built-in domains."""
    builtin: tuple[str, ...] = ()
    """The built-in domains it includes beside its own (``[tool.sqlfirst] builtin``)."""

    @property
    def domain_names(self) -> tuple[str, ...]:
        return tuple(d.name for d in self.domains)

    @property
    def own_domain_names(self) -> tuple[str, ...]:
        """Its domains but the included built-in ones (what ``sqlfirst bench`` measures)."""
        return tuple(d.name for d in self.domains if d.name not in self.builtin)

    @property
    def is_builtin(self) -> bool:
        return self.config is None

    def domain(self, name: str) -> Domain | None:
        return next((d for d in self.domains if d.name == name), None)

    @property
    def migration_folders(self) -> tuple[Folder, ...]:
        """Where its migrations come from, in order: with included built-in domains, first the built-in
        folder's ``core`` migrations and theirs, then every migration of its own folder."""
        own = Folder(self.migrations_dir)
        if not self.builtin:
            return (own,)
        return (Folder(builtin().migrations_dir, frozenset((CORE, *self.builtin))), own)

    @property
    def sql_folders(self) -> tuple[Folder, ...]:
        """Where its queries come from: the built-in ``sql/`` for the included built-in domains, then
        its own (a domain's queries are in the first folder that holds it)."""
        own = Folder(self.sql_dir)
        if not self.builtin:
            return (own,)
        return (Folder(builtin().sql_dir, frozenset(self.builtin)), own)

    def sql_root(self, domain: str) -> Path:
        """The folder holding ``domain``'s ``<domain>/`` query folder (see :attr:`sql_folders`)."""
        return next(f.path for f in self.sql_folders if f.holds(domain))

    def with_env(self) -> Project:
        """This project with the ``SQLFIRST_*_DIR`` overrides applied (to its own folders)."""
        return replace(
            self,
            sql_dir=_env_dir("SQLFIRST_SQL_DIR") or self.sql_dir,
            migrations_dir=_env_dir("SQLFIRST_MIGRATIONS_DIR") or self.migrations_dir,
            benchmarks_dir=_env_dir("SQLFIRST_BENCH_DIR") or self.benchmarks_dir,
        )


def _env_dir(name: str) -> Path | None:
    configured = os.environ.get(name)
    return Path(configured).expanduser().resolve() if configured else None


def _domains(raw: Any, where: str) -> tuple[Domain, ...]:
    if not isinstance(raw, Mapping) or not raw:
        raise ConfigurationError(f"{where}: [tool.sqlfirst.domains] must name at least one domain")
    found = []
    for name, spec in raw.items():
        if not _NAME.fullmatch(name):
            raise ConfigurationError(f"{where}: domain {name!r} must be snake_case (its schema's name)")
        if isinstance(spec, str):
            spec = {"package": spec}
        if not isinstance(spec, Mapping) or set(spec) - {"package", "cli"} or "package" not in spec:
            raise ConfigurationError(
                f'{where}: domain {name!r} must be "package.name" or {{package = "...", cli = "module:app"}}'
            )
        package, cli = spec["package"], spec.get("cli")
        if not isinstance(package, str) or not _MODULE.fullmatch(package):
            raise ConfigurationError(f"{where}: domain {name!r}: package {package!r} is not a module name")
        if cli is not None and (not isinstance(cli, str) or not re.fullmatch(rf"{_MODULE.pattern}:\w+", cli)):
            raise ConfigurationError(f"{where}: domain {name!r}: cli {cli!r} must be 'module:attribute'")
        found.append(Domain(name, package, cli))
    return tuple(found)


def _included(raw: Any, own: tuple[Domain, ...], where: str) -> tuple[Domain, ...]:
    """The built-in domains ``[tool.sqlfirst] builtin`` includes: none, ``true`` for all, or a list."""
    available = builtin().domains
    names = [d.name for d in available]
    if raw is None or raw is False:
        return ()
    if raw is True:
        chosen = names
    elif isinstance(raw, list) and all(isinstance(n, str) for n in raw):
        unknown = [n for n in raw if n not in names]
        if unknown:
            raise ConfigurationError(
                f"{where}: [tool.sqlfirst] builtin names {unknown}, not built-in domains; they are {names}"
            )
        chosen = [n for n in names if n in raw]
    else:
        raise ConfigurationError(
            f"{where}: [tool.sqlfirst] builtin must be a list of built-in domains ({names}) or true for all"
        )
    clash = sorted(set(chosen) & {d.name for d in own})
    if clash:
        raise ConfigurationError(
            f"{where}: domain(s) {clash} of [tool.sqlfirst.domains] are also included as built-in "
            "(builtin = [...]): rename the project's own, or leave the built-in out"
        )
    # Migration files name their domain by prefix (NNNN_<domain>_<what>, the longest known name wins):
    # an own domain "deals_query" would claim the built-in 0022_deals_query_order_indexes of deals.
    ambiguous = sorted(d.name for d in own for name in (CORE, *chosen) if d.name.startswith(name + "_"))
    if chosen and ambiguous:
        raise ConfigurationError(
            f"{where}: domain(s) {ambiguous} of [tool.sqlfirst.domains] begin with the name of an included "
            f"built-in domain or {CORE!r} and an underscore, which makes their migration files' names "
            "ambiguous: rename them"
        )
    return tuple(d for d in available if d.name in chosen)


def _from_table(
    table: Any, root: Path, where: str, config: Path | None, defaults: Mapping[str, Path]
) -> Project:
    if not isinstance(table, Mapping):
        raise ConfigurationError(f"{where}: [tool.sqlfirst] must be a table")
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise ConfigurationError(f"{where}: unknown [tool.sqlfirst] key(s) {unknown}; known: {sorted(_KEYS)}")
    folders: dict[str, Path] = {}
    for key in ("sql", "migrations", "benchmarks"):
        value = table.get(key)
        if value is None:
            folders[key] = defaults.get(key, root / key)
        elif isinstance(value, str) and value:
            folders[key] = (root / value).resolve()
        else:
            raise ConfigurationError(f"{where}: [tool.sqlfirst] {key} must be a folder (a string)")
    own = _domains(table.get("domains"), where)
    included = _included(table.get("builtin"), own, where) if config is not None else ()
    return Project(
        root,
        folders["sql"],
        folders["migrations"],
        folders["benchmarks"],
        included + own,
        config,
        tuple(d.name for d in included),
    )


def load(path: Path) -> Project:
    """The project described by ``path``: a ``pyproject.toml`` or the directory holding one."""
    config = path / "pyproject.toml" if path.is_dir() else path
    if not config.is_file():
        raise ConfigurationError(f"no pyproject.toml at {path}")
    try:
        data = tomllib.loads(config.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"cannot read {config}: {exc}") from exc
    table = data.get("tool", {}).get("sqlfirst") if isinstance(data.get("tool"), dict) else None
    if table is None:
        raise ConfigurationError(f"{config} has no [tool.sqlfirst] table")
    root = config.resolve().parent
    return _from_table(table, root, str(config), config.resolve(), {})


def _builtin_folder(name: str) -> Path:
    packaged = _PACKAGE / "_data" / name
    return packaged if packaged.is_dir() else _PACKAGE.parents[1] / name


@functools.cache
def builtin() -> Project:
    """sqlfirst's own domains (``builtin.toml``), in the installed package or the checkout."""
    data = tomllib.loads(BUILTIN_CONFIG.read_text(encoding="utf-8"))
    folders = {name: _builtin_folder(name) for name in ("sql", "migrations")}
    folders["benchmarks"] = _PACKAGE.parents[1] / "benchmarks"  # a checkout's; not in the wheel
    return _from_table(data, _PACKAGE.parents[1], str(BUILTIN_CONFIG), None, folders)


def _discover(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                raw = candidate.read_bytes()
            except OSError as exc:
                # Unreadable: it may be the project's own file, so never fall back to the built-in one.
                raise ConfigurationError(f"cannot read {candidate}: {exc}") from exc
            try:
                data = tomllib.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                if b"tool.sqlfirst" in raw:  # the project's own file, broken: never the built-in one instead
                    raise ConfigurationError(f"cannot read {candidate}: {exc}") from exc
                continue
            tool = data.get("tool")
            if isinstance(tool, dict) and "sqlfirst" in tool:
                return candidate
    return None


def current() -> Project:
    """The project the commands work on (see the module docstring), ``SQLFIRST_*_DIR`` applied.

    Read once per working directory and environment (a process that changes either gets the new one).
    """
    return _current(Path.cwd(), *(os.environ.get(name) for name in _ENV))


_ENV = ("SQLFIRST_PROJECT", "SQLFIRST_SQL_DIR", "SQLFIRST_MIGRATIONS_DIR", "SQLFIRST_BENCH_DIR")


@functools.lru_cache(maxsize=8)
def _current(cwd: Path, named: str | None, *_overrides: str | None) -> Project:
    if named:
        project = load(Path(named).expanduser())
    else:
        found = _discover(cwd)
        project = load(found) if found is not None else builtin()
    return project.with_env()


def sql_root_for(domain: str) -> Path:
    """The ``sql/`` folder holding ``domain``'s queries: the current project's when it has the domain
    (the built-in one for a built-in domain it includes), else the built-in one's;
    :class:`ConfigurationError` when neither registers it."""
    try:
        project = current()
    except ConfigurationError:
        if builtin().domain(domain) is None:
            raise
        return builtin().sql_dir  # a built-in domain's declarations import whatever the project's state
    if project.domain(domain) is not None or project.is_builtin:
        # The built-in project with no such domain: today's behaviour, a folder under its sql/.
        return project.sql_root(domain)
    if builtin().domain(domain) is not None:
        return builtin().sql_dir
    raise ConfigurationError(
        f"domain {domain!r} is not registered: add it to [tool.sqlfirst.domains] in "
        f"{project.config} or pass root= to SqlFile"
    )


def query_folders(sql_root: Path | None = None) -> list[tuple[str, Path]]:
    """(domain, its ``<domain>/`` folder of query files) in name order: each subfolder of ``sql_root``,
    or by default of the current project's :attr:`~Project.sql_folders` (a domain's folder is in the
    first that holds it). What ``check``, ``docs`` and ``bench`` walk."""
    folders = (Folder(sql_root),) if sql_root is not None else current().sql_folders
    found: dict[str, Path] = {}
    for folder in folders:
        if folder.path.is_dir():
            for sub in sorted(p for p in folder.path.iterdir() if p.is_dir() and folder.holds(p.name)):
                found.setdefault(sub.name, sub)
    return sorted(found.items())


def importable() -> Project:
    """The current project, its folder (the pyproject's) made importable: appended to ``sys.path``
    once, so a package installed elsewhere always wins over a folder of the same name."""
    project = current()
    if not project.is_builtin and str(project.root) not in sys.path:
        sys.path.append(str(project.root))
    return project


def import_declarations(sql_root: Path | None = None) -> None:
    """Import each domain's package and its ``<package>.<entity>`` module for every query file of
    :func:`query_folders` (the current project's by default), so every declaration registers: what
    ``check``, ``docs`` and ``bench`` read. A missing module is reported later, as queries without a
    declaration; a module that fails for another reason (a missing dependency of its own) raises
    :class:`ConfigurationError`; so does a domain's package itself that cannot be found.

    A project's own packages import from its folder (the pyproject's) as well as from where they
    are installed: the folder goes at the end of ``sys.path``, so an installed module always wins."""
    project = importable()
    for name, domain_dir in query_folders(sql_root):
        domain = project.domain(name) or builtin().domain(name)
        if domain is None:
            continue
        modules = [domain.package] + [f"{domain.package}.{p.stem}" for p in sorted(domain_dir.glob("*.sql"))]
        for module in modules:
            try:
                importlib.import_module(module)
            except ModuleNotFoundError as exc:
                missing = exc.name is not None and (module == exc.name or module.startswith(exc.name + "."))
                if missing and module == domain.package:
                    raise ConfigurationError(
                        f"cannot import {module}, the package declaring domain {domain.name}'s queries: "
                        f"{exc}; install the project (pip install -e .) or put the package in {project.root}"
                    ) from exc
                if missing:
                    continue  # a query file without a module of declarations: check reports its queries
                raise ConfigurationError(f"cannot import {module} (domain {domain.name}): {exc}") from exc
