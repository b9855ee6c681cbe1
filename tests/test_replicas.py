"""Read replicas with read-your-writes, on a real embedded primary with two streaming replicas.

One cluster for the module (a primary and two ``pg_basebackup -R`` replicas), whatever server the
rest of the suite runs on: replication needs servers this process controls.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest

from sqlfirst import embedded, replication
from sqlfirst.db import Connection, Database, connect
from sqlfirst.replication import ReplicaInfo


@dataclass
class Cluster:
    primary_url: str
    replicas: list[ReplicaInfo]
    root: Path

    def replica_url(self, replica: ReplicaInfo) -> str:
        return replica.url.replace(f"/{embedded.DATABASE_NAME}", "/postgres")


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    root = Path(tempfile.mkdtemp(prefix="sqlfirst-replicas-"))
    primary = root / "pgdata"
    server = embedded.temporary(primary)
    server.psql(
        "alter system set fsync = off; alter system set synchronous_commit = off;"
        "alter system set max_connections = 200; select pg_reload_conf();"
    )
    try:
        replicas = replication.start_replicas(2, primary)
        server.psql("create table rw (id bigint primary key, client int not null, payload text);")
        yield Cluster(server.get_uri("postgres"), replicas, root)
    finally:
        replication.stop_replicas(primary)
        server.cleanup()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
async def db(cluster: Cluster) -> AsyncIterator[Database]:
    database = await connect(
        database_url=cluster.primary_url,
        replica_urls=tuple(cluster.replica_url(r) for r in cluster.replicas),
        min_size=1,
        max_size=40,
        replica_check_interval_s=0.2,
        replica_retry_s=0.5,
    )
    try:
        yield database
    finally:
        await database.close()


async def _in_recovery(conn: Connection) -> bool:
    value: bool = await conn.fetchval("select pg_is_in_recovery()")
    return value


async def _wait_caught_up(cluster: Cluster) -> None:
    """Until every replica has replayed everything the primary wrote so far."""
    primary = await asyncpg.connect(cluster.primary_url)
    try:
        target = await primary.fetchval("select pg_current_wal_insert_lsn()")
    finally:
        await primary.close()
    for replica in cluster.replicas:
        conn = await asyncpg.connect(cluster.replica_url(replica))
        try:
            for _ in range(200):
                if await conn.fetchval("select pg_last_wal_replay_lsn() >= $1::pg_lsn", target):
                    break
                await asyncio.sleep(0.05)
            else:
                raise AssertionError(f"replica {replica.index} did not catch up")
        finally:
            await conn.close()


async def test_reads_are_served_by_replicas_and_writes_by_the_primary(db: Database, cluster: Cluster) -> None:
    await _wait_caught_up(cluster)
    for _ in range(20):
        async with db.reader() as conn:
            assert await _in_recovery(conn), "a read without a write to see must go to a replica"
    async with db.transaction() as conn:
        assert not await _in_recovery(conn)
    assert db.replicas is not None
    assert all(state.served > 0 for state in db.replicas.states), "both replicas take reads"


async def test_without_replicas_the_reader_is_the_primary(cluster: Cluster) -> None:
    db = await connect(database_url=cluster.primary_url, min_size=1, max_size=2)
    try:
        async with db.reader() as conn:
            assert not await _in_recovery(conn)
            with pytest.raises(asyncpg.exceptions.ReadOnlySQLTransactionError):
                await conn.execute("insert into rw values (-1, -1, 'x')")
    finally:
        await db.close()


async def test_read_your_writes_under_32_clients_while_one_replica_is_paused(
    db: Database, cluster: Cluster
) -> None:
    paused = cluster.replicas[0]
    admin = await asyncpg.connect(cluster.replica_url(paused))
    await admin.execute("select pg_wal_replay_pause()")
    served_by: dict[str, int] = {"replica": 0, "primary": 0}
    try:

        async def client(number: int) -> None:
            for step in range(15):
                row_id = number * 1000 + step
                session = db.session()
                async with session.transaction() as conn:
                    await conn.execute("insert into rw values ($1, $2, 'written')", row_id, number)
                async with session.reader() as conn:
                    seen = await conn.fetchval("select payload from rw where id = $1", row_id)
                    served_by["replica" if await _in_recovery(conn) else "primary"] += 1
                assert seen == "written", f"client {number} did not read its own write {row_id}"

        await asyncio.gather(*(client(n) for n in range(32)))
        # The paused replica never replayed these writes: it cannot have served one of these reads.
        paused_replay = await admin.fetchval("select pg_last_wal_replay_lsn()")
        assert db.replicas is not None
        assert db.replicas.states[0].replay_lsn <= int(paused_replay)
        assert served_by["replica"] + served_by["primary"] == 32 * 15

        # Whether the running replica had replayed a write by the instant of its read above depends
        # on the machine's load; once it has, the session's read must go to it, never to the paused one.
        session = db.session()
        async with session.transaction() as conn:
            await conn.execute("insert into rw values (-77, -77, 'written')")
        assert session.min_lsn is not None
        running = await asyncpg.connect(cluster.replica_url(cluster.replicas[1]))
        try:
            for _ in range(200):
                if await running.fetchval("select pg_last_wal_replay_lsn() >= $1::pg_lsn", session.min_lsn):
                    break
                await asyncio.sleep(0.05)
            else:
                raise AssertionError("the running replica did not replay the write")
        finally:
            await running.close()
        for _ in range(10):
            async with session.reader() as conn:
                assert await _in_recovery(conn), "a replica that has replayed the write serves the read"
                assert await conn.fetchval("select payload from rw where id = -77") == "written"
        assert db.replicas.states[0].replay_lsn <= int(paused_replay)
    finally:
        await admin.execute("select pg_wal_replay_resume()")
        await admin.close()


async def test_a_replica_lagging_beyond_the_bound_is_skipped_and_comes_back(
    db: Database, cluster: Cluster
) -> None:
    await _wait_caught_up(cluster)
    lagging = cluster.replicas[1]
    admin = await asyncpg.connect(cluster.replica_url(lagging))
    await admin.execute("select pg_wal_replay_pause()")
    try:
        assert db.replicas is not None
        db.replicas.settings = db.replicas.settings.with_(replica_max_lag_bytes=1024)
        async with db.transaction() as conn:  # ~100 kB of WAL the paused replica does not replay
            await conn.execute(
                "insert into rw select g, -2, repeat('x', 200) from generate_series(100000, 100400) g"
            )
        await db.replicas.check()
        ports: set[int] = set()
        for _ in range(20):
            async with db.reader() as conn:
                ports.add(await conn.fetchval("select inet_server_port()"))
        assert lagging.port not in ports
    finally:
        await admin.execute("select pg_wal_replay_resume()")
        await admin.close()
    await _wait_caught_up(cluster)
    await db.replicas.check()
    ports = set()
    for _ in range(30):
        async with db.reader() as conn:
            ports.add(await conn.fetchval("select inet_server_port()"))
    assert lagging.port in ports, "a replica that caught up takes reads again"


async def test_a_replica_killed_mid_run_costs_no_failed_read(db: Database, cluster: Cluster) -> None:
    await _wait_caught_up(cluster)
    victim = cluster.replicas[1]
    failures: list[BaseException] = []
    reads = 0
    stop = asyncio.Event()

    async def read(conn: Connection) -> int:
        value: int = await conn.fetchval("select count(*) from rw where client >= 0")
        return value

    async def reader_loop() -> None:
        nonlocal reads
        while not stop.is_set():
            try:
                await db.run_read(read)
                reads += 1
            except Exception as exc:  # counted: the assertion below reports them
                failures.append(exc)
            await asyncio.sleep(0)

    loops = [asyncio.create_task(reader_loop()) for _ in range(16)]
    await asyncio.sleep(0.5)
    await asyncio.to_thread(replication.kill_replica, victim)
    await asyncio.sleep(1.0)
    stop.set()
    await asyncio.gather(*loops)
    assert not failures, f"{len(failures)} reads failed: {failures[:3]}"
    assert reads > 0
    assert db.replicas is not None
    assert db.replicas.states[1].failures > 0, "the router noticed the dead replica"

    # Back up: the replica rejoins and takes reads again once the retry interval has passed.
    await asyncio.to_thread(replication.start_replica, cluster.root / "pgdata", victim.index)
    await _wait_caught_up(cluster)
    await asyncio.sleep(0.6)
    ports: set[int] = set()
    for _ in range(30):
        async with db.reader() as conn:
            ports.add(await conn.fetchval("select inet_server_port()"))
    assert victim.port in ports


async def test_lag_report_shows_each_replica_streaming(cluster: Cluster) -> None:
    report = await replication.lag_report(cluster.primary_url, cluster.root / "pgdata")
    assert [lag.replica.index for lag in report] == [1, 2]
    assert all(lag.state == "streaming" and lag.lag_bytes is not None for lag in report)


async def test_a_replica_down_at_connect_is_skipped_and_reads_still_succeed(cluster: Cluster) -> None:
    db = await connect(
        database_url=cluster.primary_url,
        replica_urls=("postgresql://postgres@127.0.0.1:1/postgres", cluster.replica_url(cluster.replicas[0])),
        min_size=1,
        max_size=4,
    )
    try:
        await _wait_caught_up(cluster)
        ports: set[int] = set()
        for _ in range(10):
            async with db.reader() as conn:
                ports.add(await conn.fetchval("select inet_server_port()"))
        assert ports == {cluster.replicas[0].port}
        assert db.replicas is not None
        assert db.replicas.states[0].failures > 0
    finally:
        await db.close()
