"""The generated reference in docs/ matches the schema and the declarations (like the schema snapshot)."""

from __future__ import annotations

from pathlib import Path

from sqlfirst import docs, paths
from sqlfirst.deals import deals as deal_calls
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


def test_a_function_that_runs_its_query_through_a_lambda_is_documented_with_it() -> None:
    # deals.expire_stale hands its statement to sqlfirst.batches.drain inside a lambda: the page must
    # still give that statement's file, line and budget.
    found = docs._queries_of(deal_calls.expire_stale)
    assert [d.query.name for d in found] == ["expire_stale_deals"]
