using ContactSync.EventStore.Projections;
using ContactSync.Testing;
using static ContactSync.EventStore.Tests.TestEvents;

namespace ContactSync.EventStore.Tests.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class ProjectionRunnerTests(PostgresFixture postgres)
{
    private static readonly ProjectionRunnerOptions FastOptions = new()
    {
        BatchSize = 100, StandbyRetry = TimeSpan.FromMilliseconds(50), FaultRetry = TimeSpan.FromMilliseconds(100),
    };

    [Fact]
    public async Task A_projection_applies_every_event_once_catches_up_and_stays_live()
    {
        await using var db = await PostgresStoreScope.CreateAsync(postgres);
        await AppliedLogProjection.CreateTableAsync(db.DataSource, "applied");
        for (var i = 0; i < 5; i++) await db.Store.AppendToStreamAsync(NewStream(), ExpectedRevision.NoStream, Events(70));
        var runner = new PostgresProjectionRunner(db.Store, "log-v1", new AppliedLogProjection("applied"), FastOptions);
        using var stop = new CancellationTokenSource();
        var run = runner.RunAsync(stop.Token);

        await Eventually.HoldsAsync(() => runner.State == ProjectionState.Live, () => $"the runner is live ({runner.LastError})");
        Assert.Equal((350L, 350L), await AppliedLogProjection.CountAsync(db.DataSource, "applied"));
        Assert.Equal(await db.Store.GetHeadPositionAsync(), runner.Position);

        var last = await db.Store.AppendToStreamAsync(NewStream(), ExpectedRevision.NoStream, Events(3));
        await Eventually.HoldsAsync(() => runner.Position == last.LogPosition, "the live event is applied");
        Assert.Equal((353L, 353L), await AppliedLogProjection.CountAsync(db.DataSource, "applied"));
        Assert.Equal(0, runner.ApproximateLag);

        await stop.CancelAsync();
        await run;
        Assert.Equal(ProjectionState.Stopped, runner.State);
    }

    [Fact]
    public async Task A_runner_stopped_in_the_middle_of_a_batch_restarts_without_applying_anything_twice()
    {
        await using var db = await PostgresStoreScope.CreateAsync(postgres);
        await AppliedLogProjection.CreateTableAsync(db.DataSource, "applied");
        for (var i = 0; i < 6; i++) await db.Store.AppendToStreamAsync(NewStream(), ExpectedRevision.NoStream, Events(100));
        var batches = 0;
        var inThirdBatch = new TaskCompletionSource();
        var stuck = new AppliedLogProjection("applied", async (_, ct) =>
        {
            if (++batches < 3) return;
            inThirdBatch.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
        });
        using (var stop = new CancellationTokenSource())
        {
            var first = new PostgresProjectionRunner(db.Store, "log-v1", stuck, FastOptions);
            var run = first.RunAsync(stop.Token);
            await inThirdBatch.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await stop.CancelAsync();
            await run;
        }
        Assert.Equal((200L, 200L), await AppliedLogProjection.CountAsync(db.DataSource, "applied"));

        var second = new PostgresProjectionRunner(db.Store, "log-v1", new AppliedLogProjection("applied"), FastOptions);
        using var stopSecond = new CancellationTokenSource();
        var secondRun = second.RunAsync(stopSecond.Token);
        await Eventually.HoldsAsync(() => second.State == ProjectionState.Live, () => $"the restarted runner is live ({second.State}, {second.LastError})");
        await stopSecond.CancelAsync();
        await secondRun;

        Assert.Equal((600L, 600L), await AppliedLogProjection.CountAsync(db.DataSource, "applied"));
    }

    [Fact]
    public async Task A_second_instance_waits_in_standby_while_the_first_owns_the_projection()
    {
        await using var db = await PostgresStoreScope.CreateAsync(postgres);
        await AppliedLogProjection.CreateTableAsync(db.DataSource, "applied");
        await db.Store.AppendToStreamAsync(NewStream(), ExpectedRevision.NoStream, Events(10));
        var owner = new PostgresProjectionRunner(db.Store, "log-v1", new AppliedLogProjection("applied"), FastOptions);
        var standby = new PostgresProjectionRunner(db.Store, "log-v1", new AppliedLogProjection("applied"), FastOptions);
        using var stop = new CancellationTokenSource();
        var ownerRun = owner.RunAsync(stop.Token);
        await Eventually.HoldsAsync(() => owner.State == ProjectionState.Live, () => $"the first runner owns and is live ({owner.State}, {owner.LastError})");

        var standbyRun = standby.RunAsync(stop.Token);
        await db.Store.AppendToStreamAsync(NewStream(), ExpectedRevision.NoStream, Events(5));
        await Eventually.HoldsAsync(async () => (await AppliedLogProjection.CountAsync(db.DataSource, "applied")).Rows == 15,
            "the owner applied the new events");

        Assert.Equal(ProjectionState.Standby, standby.State);
        Assert.Equal((15L, 15L), await AppliedLogProjection.CountAsync(db.DataSource, "applied"));
        await stop.CancelAsync();
        await Task.WhenAll(ownerRun, standbyRun);
    }

    [Fact]
    public async Task A_stale_owner_that_lost_its_lock_cannot_commit_its_batch()
    {
        await using var db = await PostgresStoreScope.CreateAsync(postgres);
        await AppliedLogProjection.CreateTableAsync(db.DataSource, "applied");
        await db.Store.AppendToStreamAsync(NewStream(), ExpectedRevision.NoStream, Events(50));
        var inBatch = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var staleProjection = new AppliedLogProjection("applied", async (_, ct) =>
        {
            inBatch.TrySetResult();
            await release.Task.WaitAsync(ct);
        });
        var stale = new PostgresProjectionRunner(db.Store, "log-v1", staleProjection, FastOptions);
        using var stop = new CancellationTokenSource();
        var staleRun = stale.RunAsync(stop.Token);
        await inBatch.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // The lock is lost silently (as on a failover or a dropped connection) while the batch is in flight.
        Assert.Equal(1, await db.ScalarAsync<int>("""
            SELECT count(pg_terminate_backend(l.pid))::int FROM pg_locks l
             WHERE l.locktype = 'advisory' AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
               AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended('es-proj:log-v1', 0)
            """));
        var successor = new PostgresProjectionRunner(db.Store, "log-v1", new AppliedLogProjection("applied"), FastOptions);
        var successorRun = successor.RunAsync(stop.Token);
        await Eventually.HoldsAsync(() => successor.State == ProjectionState.Live, () => $"the successor took over ({successor.State}, {successor.LastError})");
        Assert.Equal((50L, 50L), await AppliedLogProjection.CountAsync(db.DataSource, "applied"));

        release.SetResult();
        await Eventually.HoldsAsync(() => stale.FencedBatches == 1, "the stale batch hit the fence");

        Assert.Equal((50L, 50L), await AppliedLogProjection.CountAsync(db.DataSource, "applied"));
        await Eventually.HoldsAsync(() => stale.State == ProjectionState.Standby, () => $"the stale runner stands by ({stale.State}, {stale.LastError})");
        await stop.CancelAsync();
        await Task.WhenAll(staleRun, successorRun);
    }

    [Fact]
    public async Task A_failing_projection_reports_faulted_and_resumes_from_its_checkpoint_once_it_succeeds()
    {
        await using var db = await PostgresStoreScope.CreateAsync(postgres);
        await AppliedLogProjection.CreateTableAsync(db.DataSource, "applied");
        await db.Store.AppendToStreamAsync(NewStream(), ExpectedRevision.NoStream, Events(30));
        var failing = true;
        var projection = new AppliedLogProjection("applied", (_, _) =>
            Volatile.Read(ref failing) ? throw new InvalidOperationException("read model unavailable") : Task.CompletedTask);
        var runner = new PostgresProjectionRunner(db.Store, "log-v1", projection, FastOptions);
        using var stop = new CancellationTokenSource();
        var run = runner.RunAsync(stop.Token);

        await Eventually.HoldsAsync(() => runner.State == ProjectionState.Faulted, () => $"the runner is faulted ({runner.State})");
        Assert.Equal("read model unavailable", runner.LastError?.Message);
        Assert.Equal((0L, 0L), await AppliedLogProjection.CountAsync(db.DataSource, "applied"));

        Volatile.Write(ref failing, false);
        await Eventually.HoldsAsync(() => runner.State == ProjectionState.Live, () => $"the runner recovered ({runner.State})");
        Assert.Null(runner.LastError);
        Assert.Equal((30L, 30L), await AppliedLogProjection.CountAsync(db.DataSource, "applied"));
        await stop.CancelAsync();
        await run;
    }
    [Fact]
    public async Task Batches_that_fail_during_a_catch_up_with_read_ahead_are_retried_and_nothing_is_applied_twice()
    {
        await using var db = await PostgresStoreScope.CreateAsync(postgres);
        await AppliedLogProjection.CreateTableAsync(db.DataSource, "applied");
        for (var i = 0; i < 10; i++) await db.Store.AppendToStreamAsync(NewStream(), ExpectedRevision.NoStream, Events(100));
        var attempts = 0;
        var failures = 0;
        // Every third batch attempt fails after writing, while the next page is being read ahead.
        var projection = new AppliedLogProjection("applied", (_, _) =>
        {
            if (++attempts % 3 != 0) return Task.CompletedTask;
            failures++;
            throw new InvalidOperationException("read model unavailable");
        });
        var runner = new PostgresProjectionRunner(db.Store, "log-v1", projection,
            FastOptions with { FaultRetry = TimeSpan.FromMilliseconds(10) });
        using var stop = new CancellationTokenSource();
        var run = runner.RunAsync(stop.Token);

        var head = await db.Store.GetHeadPositionAsync();
        await Eventually.HoldsAsync(() => runner.Position == head, () => $"the runner caught up ({runner.State}, {runner.Position})");
        await stop.CancelAsync();
        await run;
        Assert.True(failures >= 4, $"only {failures} batches failed");
        Assert.Equal((1000L, 1000L), await AppliedLogProjection.CountAsync(db.DataSource, "applied"));
        // Every read-ahead was awaited: no connection of the store is left busy.
        await using var busy = db.DataSource.CreateCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()");
        Assert.Equal(0L, (long)(await busy.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task A_runner_that_cannot_reach_the_database_while_standing_by_keeps_trying_and_projects_once_it_can()
    {
        await using var db = await PostgresStoreScope.CreateAsync(postgres);
        await AppliedLogProjection.CreateTableAsync(db.DataSource, "applied");
        await db.Store.AppendToStreamAsync(NewStream(), ExpectedRevision.NoStream, Events(10));
        // The runner's own pool holds no connection yet, so its first try for ownership opens one and is refused.
        await using var runnerSource = Npgsql.NpgsqlDataSource.Create(db.ConnectionString);
        await using var runnerStore = new ContactSync.EventStore.Postgres.PostgresEventStore(runnerSource);
        // From another database: a session may not close its own database to connections.
        await using var admin = Npgsql.NpgsqlDataSource.Create(await postgres.AdminConnectionStringAsync());
        var database = new Npgsql.NpgsqlConnectionStringBuilder(db.ConnectionString).Database!;
        async Task AllowConnectionsAsync(bool allow)
        {
            await using var cmd = admin.CreateCommand($"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS {allow}");
            await cmd.ExecuteNonQueryAsync();
        }
        await AllowConnectionsAsync(false);
        var runner = new PostgresProjectionRunner(runnerStore, "log-v1", new AppliedLogProjection("applied"), FastOptions);
        using var stop = new CancellationTokenSource();
        var run = runner.RunAsync(stop.Token);
        try
        {
            await Eventually.HoldsAsync(() => run.IsCompleted || runner.LastError is not null, "the runner's first try for ownership to fail");
        }
        finally
        {
            await AllowConnectionsAsync(true);
        }

        await Eventually.HoldsAsync(() => runner.State == ProjectionState.Live,
            () => $"the runner to get in once the database accepts connections ({runner.State}, loop ended: {run.IsCompleted}, {run.Exception?.GetBaseException().Message})");
        Assert.Equal((10L, 10L), await AppliedLogProjection.CountAsync(db.DataSource, "applied"));
        await stop.CancelAsync();
        await run;
    }
}
