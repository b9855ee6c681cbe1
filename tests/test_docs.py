"""The generated reference in docs/ matches the schema and the declarations (like the schema snapshot)."""

from __future__ import annotations

from pathlib import Path

from sqlfirst import paths
from sqlfirst.docs import domain_schemas, render_all, stale

DOCS = Path(__file__).resolve().parents[1] / "docs"


async def test_the_committed_reference_is_up_to_date(shared_url: str) -> None:
    pages = await render_all(shared_url)
    problems = stale(pages, DOCS)
    assert not problems, "\n".join(problems) + "\n\nrun `sqlfirst docs` and commit docs/"


async def test_every_domain_page_has_its_diagram_and_every_declared_query(shared_url: str) -> None:
    pages = await render_all(shared_url)
    for domain in paths.domains():
        page = pages[f"{domain}.md"]
        assert "```mermaid\nerDiagram" in page
        for path in (paths.sql_dir() / domain).glob("*.sql"):
            assert f"sql/{domain}/{path.name}:" in page, f"{domain}: {path.name} has no function in the page"
        assert domain_schemas(domain), f"{domain}: no migration creates its schema"
