"""The README's ai_seo walkthrough runs as written (examples 1 to 5 end to end, committed)."""

from __future__ import annotations

from sqlfirst import db
from sqlfirst.ai_seo import agents, analytics, campaigns, clients, metrics, sessions, tasks, users
from sqlfirst.ai_seo.models import TaskStatus


async def test_readme_walkthrough(db_url: str) -> None:
    database = await db.connect(database_url=db_url, min_size=1, max_size=4)
    try:
        async with database.transaction() as conn:
            user, issued = await users.create_with_session(
                conn,
                username="ada",
                email="ada@agency.example",
                password="long enough secret",
                role="manager",
                user_agent="Mozilla/5.0",
                ip_address="203.0.113.9",
            )
        refresh_token = issued.refresh_token.get_secret_value()

        async with database.transaction() as conn:
            auditor = await agents.register(
                conn,
                name="Technical SEO Auditor",
                agent_id="technical_seo_auditor",
                agent_level="operational",
            )
            client = await clients.create(conn, company_name="Acme Hosting", industry="hosting")
            campaign = await campaigns.create(
                conn,
                client_id=client.id,
                name="Q1",
                campaign_type="seo_audit",
                objectives=["traffic", "rankings"],
            )
            await tasks.create(
                conn,
                agent_id=auditor.id,
                campaign_id=campaign.id,
                user_id=user.id,
                task_type="site_audit",
                input_data={"url": "https://acme.example"},
                priority="urgent",
            )

        async with database.transaction() as conn:
            task = await tasks.claim_next(conn, agent_id=auditor.id)
            assert task is not None
            done = await tasks.complete(conn, id=task.id, output_data={"issues": 12})
            assert done.status is TaskStatus.COMPLETED

        await metrics.record(database.pool, agent_id=auditor.id, metric_name="issues_found", metric_value=12)
        summary = await analytics.campaign_task_summary(database.pool, campaign_id=campaign.id)
        assert summary is not None and (
            summary.total_tasks,
            summary.completed_tasks,
            summary.success_rate,
        ) == (1, 1, 1.0)
        per_agent = await analytics.campaign_agent_breakdown(database.pool, campaign_id=campaign.id)
        assert [(b.agent_id, b.task_count) for b in per_agent] == [("technical_seo_auditor", 1)]
        recent = await analytics.campaign_recent_metrics(database.pool, campaign_id=campaign.id)
        assert [m.metric_name for m in recent] == ["issues_found"]
        rotation = await sessions.rotate(database.pool, refresh_token=refresh_token, user_id=user.id)
        assert rotation.outcome == "rotated"
        view = await analytics.user_overview(database.pool, user_id=user.id)
        assert view is not None and view.active_sessions == 1 and view.completed_tasks == 1
        assert [t.campaign_name for t in view.recent_tasks] == ["Q1"]
    finally:
        await database.close()
