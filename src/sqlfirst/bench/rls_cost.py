"""What row-level security costs per call, and the layer's ratio to raw asyncpg under it.

For each ``[rls.<contest>]`` table of budgets.toml (the point lookup and the page of 50), the
side-by-side contest of that name lends its raw-asyncpg and sqlfirst contenders and its draws, and
five slots run every round on two held connections:

* ``asyncpg``, ``asyncpg_aa`` and ``sqlfirst``: the calls as the bench's login (a superuser: row-level
  security does not apply), the A/A control among them;
* ``asyncpg_rls`` and ``sqlfirst_rls``: the same calls on a connection of the application role
  (``Settings(role="sqlfirst_app")``: ``SET ROLE`` at connect), acting for the user who owns the
  drawn row (the contest's ``acting``), so every policy runs and the row is visible. The acting user
  is set before each call, outside the timed region, as ``transaction(as_user=...)`` does once per
  transaction.

The fair-contest rules of :mod:`sqlfirst.bench.sidebyside` hold: rounds walk all 120 orders of the five
slots equally often, every slot gets the same drawn inputs each round, ratios of medians come with
paired 95% bootstrap intervals, and an A/A control outside 1.00 ± 5% marks the result unreliable.

Checked at every scale (a failure otherwise): under RLS every call returned exactly what the same
call returned without it, so no slot was timed on rows the policies hid. Gate (a timing target: gated
at medium and large scale, reported at small): the layer under RLS within the per-call target,
``sqlfirst_rls / asyncpg_rls <= max_ratio_vs_asyncpg`` (raw asyncpg under the same role and settings).
The cost of RLS itself (``*_rls`` against the superuser's calls) is reported, not gated.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from .callers import ACT, APP_ROLE
from .registry import Contest
from .sidebyside import AA_SLOT, ContestContext, scaled_iterations
from .slotted import SlotPlan, SlottedResult

SLOTS = ("asyncpg", AA_SLOT, "sqlfirst", "asyncpg_rls", "sqlfirst_rls")
ORDERS = math.factorial(len(SLOTS))
RATIOS = {  # JSON key -> (numerator slot, denominator slot)
    "aa_ci": (AA_SLOT, "asyncpg"),
    "sqlfirst_vs_asyncpg_ci": ("sqlfirst", "asyncpg"),
    "rls_sqlfirst_vs_asyncpg_ci": ("sqlfirst_rls", "asyncpg_rls"),
    "rls_cost_asyncpg_ci": ("asyncpg_rls", "asyncpg"),
    "rls_cost_sqlfirst_ci": ("sqlfirst_rls", "sqlfirst"),
}


@dataclass
class RlsResult(SlottedResult):
    compared: int = 0
    """Calls whose result under RLS was compared with the same call's without it."""
    differed: int = 0
    """Of those, calls that returned something else under RLS (hidden or extra rows)."""
    rows: int = 0
    """Rows the RLS slots' compared calls returned (none would mean the contest read nothing)."""

    RATIOS: ClassVar[dict[str, tuple[str, str]]] = RATIOS
    ORDERS: ClassVar[int] = ORDERS
    LABEL: ClassVar[str] = "rls"

    def check(self) -> None:
        if self.differed or not self.rows:
            self.failures.append(
                f"{self.label}: under row-level security {self.differed} of {self.compared} calls returned "
                f"something else than without it ({self.rows} rows in all): the acting user does not own "
                "the drawn rows, so the RLS slots would be timed on hidden rows"
            )
        self.gate("rls_sqlfirst_vs_asyncpg_ci", f"as {APP_ROLE} under row-level security, sqlfirst")

    def extra_json(self) -> dict[str, Any]:
        return {"role": APP_ROLE, "compared": self.compared, "differed": self.differed, "rows": self.rows}


def _rows(result: Any) -> list[Any]:
    """A typed call's result (a model, a list of models, or None) as a list to compare."""
    return result if isinstance(result, list) else [] if result is None else [result]


async def run_rls_contest(
    owner: ContestContext,
    app: ContestContext,
    domain: str,
    contest: Contest,
    max_ratio_vs_asyncpg: float | None,
    *,
    iterations: int,
    seed: int,
) -> RlsResult:
    """Run ``contest``'s raw and sqlfirst contenders in the five slots (see the module docstring)."""
    result = RlsResult.of(domain, contest, max_ratio_vs_asyncpg)
    if result.error is None and (contest.acting is None or not contest.shared_input):
        result.error = "an RLS contest needs shared inputs and `acting` (the user who owns a draw)"
    if result.error is not None:
        result.evaluate()
        return result
    assert contest.acting is not None
    plan = SlotPlan.of(
        result, contest, SLOTS, ("asyncpg", AA_SLOT, "asyncpg_rls"), iterations=iterations, seed=seed
    )
    draw, rng, acting = contest.contenders["sqlfirst"].prepare, plan.rng, contest.acting

    async def inputs() -> list[tuple[Any, Any]]:
        args = [await draw(owner, rng) if draw else None for _ in range(plan.batch)]
        return [(arg, await acting(owner, arg)) for arg in args]

    try:
        for slot in SLOTS:  # warm: statement caches, validators, the policies' plans
            ctx = app if slot.endswith("_rls") else owner
            for arg, user in await inputs():
                await app.conn.execute(ACT, str(user))
                await plan.contenders[slot].call(ctx, arg)
        for order in plan.orders():
            drawn = await inputs()
            seen: dict[str, list[Any]] = {}
            for slot in order:
                ctx = app if slot.endswith("_rls") else owner
                for arg, user in drawn:
                    if ctx is app:
                        await app.conn.execute(ACT, str(user))
                    out = await plan.timed(slot, ctx, arg)
                    if slot in ("sqlfirst", "sqlfirst_rls"):
                        seen.setdefault(slot, []).append(_rows(out))
            for plain, secured in zip(seen["sqlfirst"], seen["sqlfirst_rls"], strict=True):
                result.compared += 1
                result.differed += plain != secured
                result.rows += len(secured)
    except Exception as exc:
        result.error = f"{type(exc).__name__}: {exc}"
    finally:
        await app.conn.execute("reset sqlfirst.user_id")
    plan.finish(result)
    return result


async def run_rls(
    owner_conn: Any,
    app_conn: Any,
    entries: list[tuple[str, Contest, Any]],
    targets: Mapping[str, float | None],
    *,
    factor: float,
    seed: int,
) -> list[RlsResult]:
    """``entries``: (domain, contest, samples) of the contests named in ``targets`` (budgets.toml
    ``[rls.<contest>]``), on the held connections ``owner_conn`` (the bench's login) and
    ``app_conn`` (the application role)."""
    results = []
    for domain, contest, samples in entries:
        owner = ContestContext(conn=owner_conn, orm=None, samples=samples, footing="held")
        app = ContestContext(conn=app_conn, orm=None, samples=samples, footing="held")
        iterations = scaled_iterations(contest.iterations, factor)
        results.append(
            await run_rls_contest(
                owner, app, domain, contest, targets.get(contest.name), iterations=iterations, seed=seed
            )
        )
    return results
