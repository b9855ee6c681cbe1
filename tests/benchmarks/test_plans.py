"""The benchmark's plan checks, on real plans: big sequential scans and partition pruning."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import asyncpg
import pytest

from sqlfirst.bench.plans import (
    PLAN_MODES,
    PlanCost,
    check_plan,
    cost_problems,
    explain_analyze,
    plan_cost,
    small_tables,
)


def _t(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


@pytest.fixture
async def plain(db_url: str) -> AsyncIterator[asyncpg.Connection[asyncpg.Record]]:
    conn = await asyncpg.connect(db_url)
    await conn.execute(
        """
        create table big (id int primary key, kind int not null);
        insert into big select n, n % 10 from generate_series(1, 20000) n;
        create table readings (id int not null, taken_at timestamptz not null, value int not null)
            partition by range (taken_at);
        create table readings_2025_01 partition of readings
            for values from ('2025-01-01') to ('2025-02-01');
        create table readings_2025_02 partition of readings
            for values from ('2025-02-01') to ('2025-03-01');
        create table readings_default partition of readings default;
        create index on readings (taken_at);
        insert into readings select n, '2025-01-01'::timestamptz + n * interval '3 minutes', n
            from generate_series(1, 20000) n;
        analyze big, readings;
        """
    )
    try:
        yield conn
    finally:
        await conn.close()


async def test_an_index_lookup_passes(plain: asyncpg.Connection[asyncpg.Record]) -> None:
    report = await check_plan(plain, "select kind from big where id = $1", [5])
    assert report.ok, report.problems
    assert report.indexes == ["big_pkey"]


async def test_a_sequential_scan_of_a_big_table_fails(plain: asyncpg.Connection[asyncpg.Record]) -> None:
    report = await check_plan(plain, "select count(*) from big where kind = $1", [3])
    assert not report.ok
    assert "sequential scan on public.big" in report.problems[0]


async def test_a_scan_behind_a_false_one_time_filter_never_runs_and_passes(
    plain: asyncpg.Connection[asyncpg.Record],
) -> None:
    # A branch for another case of a parameter (`$2::int is null` when it is given) is planned but
    # never run. Under row-level security the planner keeps a scan below the folded filter (the
    # policy's condition holds it there): it costs nothing and is no sequential scan to report.
    await plain.execute(
        """
        alter table big enable row level security;
        create policy p_big on big using (kind <> coalesce(current_setting('x.kind', true), '-1')::int);
        grant select on big to sqlfirst_app;
        set role sqlfirst_app;
        """
    )
    sql = (
        "select count(*) from ((select id from big where kind = $1 and $2::int is null order by id limit 5)"
        " union all (select id from big where id = $2)) as both_cases"
    )
    assert (await check_plan(plain, sql, [3, 1])).problems == []
    given = await check_plan(plain, sql, [3, None])
    assert [p for p in given.problems if "sequential scan on public.big" in p], given.problems


async def test_a_sequential_scan_can_be_allowed_with_a_reason(
    plain: asyncpg.Connection[asyncpg.Record],
) -> None:
    report = await check_plan(
        plain, "select count(*) from big where kind = $1", [3], allow_seq_scan="nightly report"
    )
    assert report.ok
    assert report.seq_scans == ["public.big (~20,000 rows)"]


async def test_a_sequential_scan_of_a_small_table_passes(plain: asyncpg.Connection[asyncpg.Record]) -> None:
    report = await check_plan(plain, "select count(*) from big where kind = $1", [3], seq_scan_rows=50_000)
    assert report.ok


async def test_a_time_range_on_the_partition_key_prunes(plain: asyncpg.Connection[asyncpg.Record]) -> None:
    report = await check_plan(
        plain,
        "select count(*) from readings where taken_at >= $1::timestamptz and taken_at < $2::timestamptz",
        [_t("2025-02-03"), _t("2025-02-04")],
    )
    assert report.ok, report.problems
    assert report.partitions == {"readings": {"scanned": 1, "total": 3}}


async def test_a_filter_on_the_partition_key_that_cannot_prune_fails(
    plain: asyncpg.Connection[asyncpg.Record],
) -> None:
    report = await check_plan(
        plain, "select count(*) from readings where taken_at::date = $1::date", [date(2025, 1, 5)]
    )
    assert not report.ok
    assert "no partition pruning on readings: scans 3 of 3 partitions" in report.problems


async def test_max_partitions_is_enforced(plain: asyncpg.Connection[asyncpg.Record]) -> None:
    report = await check_plan(
        plain,
        "select count(*) from readings where taken_at >= $1::timestamptz and taken_at < $2::timestamptz",
        [_t("2025-01-20"), _t("2025-02-10")],
        max_partitions=1,
    )
    assert report.problems == ["readings: scans 2 partitions, budget allows 1"]


# -- EXPLAIN (ANALYZE, BUFFERS): rows discarded and blocks touched per row returned ------------------


async def _costs(conn: asyncpg.Connection[asyncpg.Record], sql: str, args: list[object]) -> list[PlanCost]:
    return [plan_cost(mode, await explain_analyze(conn, sql, args, mode=mode)) for mode in PLAN_MODES]


async def test_a_filter_that_reads_the_table_to_return_a_page_fails_both_plans(
    plain: asyncpg.Connection[asyncpg.Record],
) -> None:
    # id % 1000 = $1: no index; 20k rows read for 20 returned
    costs = await _costs(plain, "select id from big where id % 1000 = $1 order by id limit 50", [7])
    assert {c.mode for c in costs} == {"custom", "generic"}
    assert all(c.rows == 20 and c.removed > 19_000 for c in costs)
    problems = cost_problems(costs, max_removed_per_row=10, max_blocks_per_row=10)
    assert any(p.startswith("custom plan discards") for p in problems)
    assert any(p.startswith("generic plan discards") for p in problems)


async def test_an_index_range_in_order_passes(plain: asyncpg.Connection[asyncpg.Record]) -> None:
    costs = await _costs(plain, "select id, kind from big where id > $1 order by id limit 50", [100])
    assert all(c.rows == 50 and c.removed == 0 for c in costs)
    assert cost_problems(costs, max_removed_per_row=10, max_blocks_per_row=10) == []


async def test_the_generic_plan_is_the_one_without_the_values(
    plain: asyncpg.Connection[asyncpg.Record],
) -> None:
    # kind = 3 holds 10% of the rows; the custom plan knows it, the generic one must guess
    await plain.execute("create index on big (kind)")
    await plain.execute("analyze big")
    custom, generic = await _costs(plain, "select count(*) from big where kind = $1", [3])
    assert custom.mode == "custom" and generic.mode == "generic"
    assert custom.rows == generic.rows == 1


async def test_a_write_is_explained_and_undone(plain: asyncpg.Connection[asyncpg.Record]) -> None:
    (cost,) = [
        plan_cost("custom", await explain_analyze(plain, "delete from big where id = $1", [5], mode="custom"))
    ]
    assert cost.rows == 1 and cost.nodes[0] == "ModifyTable big"
    assert await plain.fetchval("select count(*) from big where id = 5") == 1


async def test_a_tiny_table_scanned_whole_is_not_counted_as_discarded(
    plain: asyncpg.Connection[asyncpg.Record],
) -> None:
    await plain.execute(
        "create table tiny (id int, kind int);"
        " insert into tiny select n, n % 3 from generate_series(1, 300) n; analyze tiny"
    )
    sql = "select id from tiny where kind = $1"
    executed = await explain_analyze(plain, sql, [1], mode="custom")
    assert executed["Node Type"] == "Seq Scan"
    assert plan_cost("custom", executed).removed == 200
    small = await small_tables(plain, executed, 10_000)
    assert small == {"tiny"} and plan_cost("custom", executed, small=small).removed == 0
    assert await small_tables(plain, executed, 100) == set()


async def _queue_with_eight_indexes(conn: asyncpg.Connection[asyncpg.Record], name: str) -> None:
    """A 50k-row table ``name`` claimed in (due, id) order, with seven more indexes an update of a
    row's columns writes a new entry into."""
    await conn.execute(
        f"""
        create table {name} (id int primary key, due int not null, a int, b int, c int, d int, e int,
                             f int, g int);
        insert into {name} select n, n, n, n, n, n, n, n, n from generate_series(1, 50000) n;
        create index on {name} (due, id);
        """
        + "".join(f"create index on {name} ({column});" for column in "abcdefg")
        + f"analyze {name};"
    )


async def test_a_claim_through_a_cte_is_gated_on_what_it_reads_not_on_the_index_pages_it_writes(
    plain: asyncpg.Connection[asyncpg.Record],
) -> None:
    # A queue claim: pick the oldest rows in index order, update them in a CTE, return them. Each
    # updated row writes a new entry into every index of the table (eight here): that cost is the
    # same for any plan, as it is for a plain UPDATE, and must not fail the per-row block gate.
    await _queue_with_eight_indexes(plain, "jobs")
    claim = """
        with due as (select id from jobs order by due, id limit $1 for update skip locked),
        claimed as (update jobs set due = due + 100000, a = a + 1, b = b + 1, c = c + 1, d = d + 1,
                    e = e + 1, f = f + 1, g = g + 1 where id = any(array(select id from due)) returning *)
        select * from claimed order by due, id
    """
    costs = await _costs(plain, claim, [10])
    assert all(c.rows == 10 for c in costs)
    assert cost_problems(costs, max_removed_per_row=10, max_blocks_per_row=10) == []
    # What it reads is still counted: the same claim walking a table in the wrong order fails.
    await plain.execute("drop index jobs_due_id_idx")
    costs = await _costs(plain, claim, [10])
    assert any("touches" in p for p in cost_problems(costs, max_removed_per_row=10, max_blocks_per_row=10))
    # A data-modifying CTE nobody reads runs after the statement's top node: its scans still count.
    unread = "with gone as (update jobs set a = a + 1 where g % 1000 = $1 returning id) select 1"
    (custom, _) = await _costs(plain, unread, [7])
    assert custom.blocks >= 200


async def test_the_writes_of_an_unread_cte_do_not_hide_the_reads_of_the_rest_of_the_statement(
    plain: asyncpg.Connection[asyncpg.Record],
) -> None:
    # The CTE writes 50 rows into eight indexes after the top node has run (nobody reads it); the main
    # query reads all of big to return 20 rows. Its reads must stay in the count whatever the CTE wrote.
    await plain.execute(
        """
        create table marks (id int primary key, a int, b int, c int, d int, e int, f int, g int);
        insert into marks select n, n, n, n, n, n, n, n from generate_series(1, 20000) n;
        create index on marks (a); create index on marks (b); create index on marks (c);
        create index on marks (d); create index on marks (e); create index on marks (f);
        create index on marks (g);
        analyze marks;
        """
    )
    statement = """
        with touched as (update marks set a = a + 1, b = b + 1, c = c + 1, d = d + 1, e = e + 1,
                         f = f + 1, g = g + 1 where id <= 50)
        select id from big where id % 1000 = $1
    """
    costs = await _costs(plain, statement, [7])
    scan = (await _costs(plain, "select id from big where id % 1000 = $1", [7]))[0].blocks
    assert all(c.rows == 20 and c.blocks >= scan for c in costs)
    assert any("touches" in p for p in cost_problems(costs, max_removed_per_row=10**6, max_blocks_per_row=1))


async def test_a_write_fed_by_a_modifying_cte_counts_each_write_once_and_every_read(
    plain: asyncpg.Connection[asyncpg.Record],
) -> None:
    # An update whose rows come from another update (fail_abandoned_syncs' shape): the CTE appears
    # under the top update both as its InitPlan and inside the scan that pulls it; its index writes
    # must leave the count once, and neither write may hide what either one reads.
    await _queue_with_eight_indexes(plain, "syncs")
    statement = """
        with abandoned as (
            update syncs set due = due + 100000, a = a + 1, b = b + 1, c = c + 1, d = d + 1,
                   e = e + 1, f = f + 1, g = g + 1
            where id = any(array(select id from syncs order by due, id limit $1))
            returning id)
        update big set kind = kind + 1 where id = any(array(select id from abandoned)) returning id
    """
    costs = await _costs(plain, statement, [10])
    assert all(c.rows == 10 for c in costs)
    assert cost_problems(costs, max_removed_per_row=10, max_blocks_per_row=10) == []
    assert all(c.blocks >= 20 for c in costs)  # the two key lookups of each of the 10 rows, at least
