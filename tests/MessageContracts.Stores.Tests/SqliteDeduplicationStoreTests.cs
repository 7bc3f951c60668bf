using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace MessageContracts.Stores.Tests;

public sealed class SqliteDeduplicationStoreTests : DeduplicationStoreContract
{
    private static readonly Guid Owner = Guid.NewGuid();

    private readonly string folder = Path.Combine(Path.GetTempPath(), "messagecontracts-store-tests", Guid.NewGuid().ToString("N"));
    private int instances;

    private string DatabaseFile => Path.Combine(folder, "nested", "dedup.db");

    private string ConnectionString => new SqliteConnectionStringBuilder { DataSource = DatabaseFile }.ToString();

    // The first instance pools its connections; the others open their own each time, as another process would.
    protected override IDeduplicationStore CreateStore() =>
        new SqliteDeduplicationStore(
            instances++ == 0 ? ConnectionString : new SqliteConnectionStringBuilder(ConnectionString) { Pooling = false }.ToString(),
            Time);

    public override Task DisposeAsync()
    {
        using (var connection = new SqliteConnection(ConnectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_database_file_is_created_with_its_folder_in_wal_mode()
    {
        await CreateStore().TryClaimAsync(Group, "m1", Owner, Lease, default);

        Assert.True(File.Exists(DatabaseFile));
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task The_table_has_a_row_per_group_and_message_with_its_state_and_times()
    {
        var store = CreateStore();
        await store.TryClaimAsync(Group, "claimed", Owner, Lease, default);
        await store.MarkProcessedAsync(Group, "processed", Owner, default);

        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT message_id, state, lease_expires_at, processed_at FROM {SqliteDeduplicationStore.TableName} WHERE consumer_group = 'orders' ORDER BY message_id;";
        await using var reader = await command.ExecuteReaderAsync();

        Assert.True(await reader.ReadAsync());
        Assert.Equal(("claimed", "claimed"), (reader.GetString(0), reader.GetString(1)));
        Assert.Equal((Time.GetUtcNow() + Lease).ToUnixTimeMilliseconds(), reader.GetInt64(2));
        Assert.True(reader.IsDBNull(3));
        Assert.True(await reader.ReadAsync());
        Assert.Equal(("processed", "processed"), (reader.GetString(0), reader.GetString(1)));
        Assert.True(reader.IsDBNull(2));
        Assert.Equal(Time.GetUtcNow().ToUnixTimeMilliseconds(), reader.GetInt64(3));
        Assert.False(await reader.ReadAsync());
    }

    [Fact]
    public async Task Processed_messages_survive_a_restart()
    {
        var before = new SqliteDeduplicationStore(ConnectionString, Time);
        await before.TryClaimAsync(Group, "m1", Owner, Lease, default);
        await before.MarkProcessedAsync(Group, "m1", Owner, default);
        using (var connection = new SqliteConnection(ConnectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        var after = new SqliteDeduplicationStore(ConnectionString, Time);

        Assert.Equal(DeduplicationClaim.AlreadyProcessed, await after.TryClaimAsync(Group, "m1", Owner, Lease, default));
    }

    [Fact]
    public async Task Many_instances_starting_at_once_on_a_new_file_all_work_and_one_claims()
    {
        var stores = Enumerable.Range(0, 6).Select(_ => CreateStore()).ToArray();

        var results = await ClaimTogetherAsync(stores.Select(store => new Claimer(store, Guid.NewGuid())), "m1");

        Assert.Equal(1, results.Count(r => r == DeduplicationClaim.Claimed));
        Assert.Equal(5, results.Count(r => r == DeduplicationClaim.ClaimedElsewhere));
    }

    [Fact]
    public void In_memory_databases_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new SqliteDeduplicationStore("Data Source=:memory:"));
        Assert.Throws<ArgumentException>(() => new SqliteDeduplicationStore("Data Source=dedup;Mode=Memory;Cache=Shared"));
        Assert.Throws<ArgumentException>(() => new SqliteDeduplicationStore(""));
    }

    [Fact]
    public void The_default_path_is_per_group_under_local_application_data()
    {
        var path = SqliteDeduplicationStore.DefaultPath("orders/eu:1 ü");

        Assert.Equal("orders_eu_1__.dedup.db", Path.GetFileName(path));
        Assert.Equal("MessageContracts", Path.GetFileName(Path.GetDirectoryName(path)));
        Assert.True(Directory.Exists(Path.GetDirectoryName(path)));
        var localData = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        Assert.StartsWith(string.IsNullOrEmpty(localData) ? Path.GetTempPath() : localData, path);
    }

    [Fact]
    public void The_default_path_never_leaves_its_folder()
    {
        Assert.Equal("_..dedup.db", Path.GetFileName(SqliteDeduplicationStore.DefaultPath("..")));
        Assert.Equal("_._etc_passwd.dedup.db", Path.GetFileName(SqliteDeduplicationStore.DefaultPath("../etc/passwd")));
        Assert.Equal(100 + ".dedup.db".Length, Path.GetFileName(SqliteDeduplicationStore.DefaultPath(new string('g', 300))).Length);
    }

    [Fact]
    public async Task An_id_a_constraint_of_the_table_refuses_is_rejected_as_the_records_fault_and_nothing_of_its_call_is_written()
    {
        // A table prepared beforehand (by a DBA, say) whose CHECK refuses IDs over 40 characters.
        await PrepareTableAsync(extraCheck: "CHECK (length(message_id) <= 40)");
        var store = CreateStore();
        var longId = new string('x', 60);

        var rejected = await Assert.ThrowsAsync<MessageIdRejectedException>(() => store.TryClaimAsync(Group, ["ok-1", longId, "ok-2"], Owner, Lease, default));
        Assert.Equal(longId, rejected.MessageId);
        Assert.Contains("SQLite error 275", rejected.Message);
        Assert.Contains("(60 characters)", rejected.Message);
        Assert.IsType<SqliteException>(rejected.InnerException);
        await Assert.ThrowsAsync<MessageIdRejectedException>(() => store.MarkProcessedAsync(Group, [longId], Owner, default));

        // The whole call was rolled back: its good IDs are free for anyone.
        Assert.Equal([DeduplicationClaim.Claimed, DeduplicationClaim.Claimed], await CreateStore().TryClaimAsync(Group, ["ok-1", "ok-2"], Guid.NewGuid(), Lease, default));
    }

    [Fact]
    public async Task A_constraint_every_row_breaks_is_not_blamed_on_the_record()
    {
        // The consumer group is what the table refuses: every ID would fail, so no record may be dead-lettered for it.
        await PrepareTableAsync(extraCheck: "CHECK (length(consumer_group) <= 3)");
        var store = CreateStore();

        var exception = await Assert.ThrowsAsync<SqliteException>(() => store.TryClaimAsync(Group, "m1", Owner, Lease, default));

        Assert.Equal(19, exception.SqliteErrorCode);
    }

    [Fact]
    public async Task A_locked_database_is_an_error_to_retry_not_a_rejection()
    {
        await CreateStore().TryClaimAsync(Group, "warm-up", Owner, Lease, default);
        await using var locker = new SqliteConnection(ConnectionString);
        await locker.OpenAsync();
        await using (var begin = locker.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE;";
            await begin.ExecuteNonQueryAsync();
        }

        var store = new SqliteDeduplicationStore(new SqliteConnectionStringBuilder(ConnectionString) { DefaultTimeout = 1, Pooling = false }.ToString(), Time);

        var exception = await Assert.ThrowsAsync<SqliteException>(() => store.TryClaimAsync(Group, "m1", Owner, Lease, default));
        Assert.Equal(5, exception.SqliteErrorCode);
    }

    [Fact]
    public async Task A_table_an_earlier_version_created_without_owners_is_upgraded_and_keeps_its_rows()
    {
        await ExecuteOnFileAsync($"""
            CREATE TABLE {SqliteDeduplicationStore.TableName} (
                consumer_group TEXT NOT NULL, message_id TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('claimed', 'processed')),
                lease_expires_at INTEGER NULL, processed_at INTEGER NULL,
                PRIMARY KEY (consumer_group, message_id)) WITHOUT ROWID;
            INSERT INTO {SqliteDeduplicationStore.TableName} VALUES ('orders', 'old-processed', 'processed', NULL, 1);
            INSERT INTO {SqliteDeduplicationStore.TableName} VALUES ('orders', 'old-claimed', 'claimed', {(Time.GetUtcNow() + Lease).ToUnixTimeMilliseconds()}, NULL);
            """);

        var stores = Enumerable.Range(0, 3).Select(_ => CreateStore()).ToArray();
        var answers = await Task.WhenAll(stores.Select(store => Task.Run(() => store.TryClaimAsync(Group, ["old-processed", "old-claimed"], Guid.NewGuid(), Lease, default))));

        Assert.All(answers, a => Assert.Equal([DeduplicationClaim.AlreadyProcessed, DeduplicationClaim.ClaimedElsewhere], a));
        Time.Advance(Lease);
        Assert.Equal(DeduplicationClaim.Claimed, await stores[0].TryClaimAsync(Group, "old-claimed", Owner, Lease, default));
        Assert.True(await stores[1].MarkProcessedAsync(Group, "old-claimed", Owner, default));
    }

    [Fact]
    public async Task Hourly_purges_forget_what_the_retention_left_behind_and_keep_the_rest_without_a_processed_time_index()
    {
        var retention = TimeSpan.FromHours(3);
        var store = CreateStore();
        var written = new List<(string Id, DateTimeOffset ProcessedAt)>();
        for (var hour = 0; hour < 10; hour++)
        {
            // Each hour: entries marked at once, one claimed now and marked half an hour later, one claimed and never marked.
            var owner = Guid.NewGuid();
            var ids = Enumerable.Range(0, 20).Select(i => $"h{hour}-{i}").ToArray();
            await store.TryClaimAsync(Group, ids, owner, Lease, default);
            await store.MarkProcessedAsync(Group, ids[..19], owner, default);
            written.AddRange(ids[..19].Select(id => (id, Time.GetUtcNow())));
            await store.TryClaimAsync(Group, $"h{hour}-unmarked", Guid.NewGuid(), TimeSpan.FromDays(30), default);
            Time.Advance(TimeSpan.FromMinutes(30));
            await store.MarkProcessedAsync(Group, ids[19], owner, default);
            written.Add((ids[19], Time.GetUtcNow()));
            Time.Advance(TimeSpan.FromMinutes(30));

            var cutoff = Time.GetUtcNow() - retention;
            var removed = await store.PurgeAsync(cutoff, default);

            Assert.Equal(written.Count(w => w.ProcessedAt < cutoff), removed);
            written.RemoveAll(w => w.ProcessedAt < cutoff);
            Assert.Equal(written.Count, await CountAsync($"state = 'processed'"));
            Assert.Equal(hour + 1, await CountAsync($"state = 'claimed'"));
        }

        // What is left is what the retention keeps, and it is still remembered.
        var other = Guid.NewGuid();
        Assert.All(await store.TryClaimAsync(Group, written.Select(w => w.Id).ToArray(), other, Lease, default), claim => Assert.Equal(DeduplicationClaim.AlreadyProcessed, claim));
        Assert.Equal(DeduplicationClaim.Claimed, await store.TryClaimAsync(Group, "h0-0", other, Lease, default));
        Assert.Equal(DeduplicationClaim.ClaimedElsewhere, await store.TryClaimAsync(Group, "h0-unmarked", other, Lease, default));
        Assert.Empty(await IndexesAsync());
        Assert.InRange(await CountAsync("true", SqliteDeduplicationStoreWatermarks), 1, 4);
    }

    [Fact]
    public async Task A_purge_searches_only_the_rows_written_before_the_first_watermark_after_its_cutoff()
    {
        var store = CreateStore();
        await store.MarkProcessedAsync(Group, "early", Owner, default);
        await store.PurgeAsync(Time.GetUtcNow() - TimeSpan.FromDays(7), default);
        Time.Advance(TimeSpan.FromHours(1));
        await store.MarkProcessedAsync(Group, "late", Owner, default);
        await store.PurgeAsync(Time.GetUtcNow() - TimeSpan.FromDays(7), default);

        // A process whose clock runs a day behind marks an ID after the second watermark: its processed time is older
        // than the cutoff below, but its row comes after the watermark the purge searches to, so this purge does not
        // read it (a scan of the table would delete it). The next purge's watermark covers it.
        Time.Advance(TimeSpan.FromHours(2));
        await new SqliteDeduplicationStore(ConnectionString, new FakeTimeProvider(Time.GetUtcNow() - TimeSpan.FromDays(1)))
            .MarkProcessedAsync(Group, "behind", Owner, default);
        var cutoff = Time.GetUtcNow() - TimeSpan.FromHours(2);

        Assert.Equal(1, await store.PurgeAsync(cutoff, default));
        Assert.Equal(DeduplicationClaim.Claimed, await store.TryClaimAsync(Group, "early", Guid.NewGuid(), Lease, default));
        Assert.Equal(DeduplicationClaim.AlreadyProcessed, await store.TryClaimAsync(Group, "late", Guid.NewGuid(), Lease, default));
        Assert.Equal(DeduplicationClaim.AlreadyProcessed, await store.TryClaimAsync(Group, "behind", Guid.NewGuid(), Lease, default));

        Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(2, await store.PurgeAsync(Time.GetUtcNow() - TimeSpan.FromHours(2), default));
        Assert.Equal(DeduplicationClaim.Claimed, await store.TryClaimAsync(Group, "behind", Guid.NewGuid(), Lease, default));
    }

    [Fact]
    public async Task A_file_of_the_version_with_the_processed_time_index_loses_the_index_and_keeps_its_rows_and_their_purge()
    {
        var hour = TimeSpan.FromHours(1);
        var start = Time.GetUtcNow();
        await ExecuteOnFileAsync($"""
            CREATE TABLE {SqliteDeduplicationStore.TableName} (
                consumer_group TEXT NOT NULL, message_id TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('claimed', 'processed')),
                lease_expires_at INTEGER NULL, processed_at INTEGER NULL, owner BLOB NULL,
                PRIMARY KEY (consumer_group, message_id)) WITHOUT ROWID;
            CREATE INDEX {SqliteDeduplicationStore.TableName}_processed_at ON {SqliteDeduplicationStore.TableName} (processed_at) WHERE state = 'processed';
            INSERT INTO {SqliteDeduplicationStore.TableName} VALUES ('orders', 'a-third', 'processed', NULL, {(start + 2 * hour).ToUnixTimeMilliseconds()}, NULL);
            INSERT INTO {SqliteDeduplicationStore.TableName} VALUES ('orders', 'b-first', 'processed', NULL, {start.ToUnixTimeMilliseconds()}, NULL);
            INSERT INTO {SqliteDeduplicationStore.TableName} VALUES ('orders', 'c-claimed', 'claimed', {(start + 3 * hour + Lease).ToUnixTimeMilliseconds()}, NULL, X'00');
            INSERT INTO {SqliteDeduplicationStore.TableName} VALUES ('orders', 'd-second', 'processed', NULL, {(start + hour).ToUnixTimeMilliseconds()}, NULL);
            """);

        Time.Advance(3 * hour);
        var store = CreateStore();
        Assert.Equal(
            [DeduplicationClaim.AlreadyProcessed, DeduplicationClaim.AlreadyProcessed, DeduplicationClaim.ClaimedElsewhere, DeduplicationClaim.AlreadyProcessed],
            await store.TryClaimAsync(Group, ["a-third", "b-first", "c-claimed", "d-second"], Owner, Lease, default));
        Assert.Empty(await IndexesAsync());
        Assert.Equal(3, await CountAsync("true", SqliteDeduplicationStoreWatermarks));

        // The copied rows are in processed-time order, and the hours' watermarks let each purge take exactly its hour.
        Assert.Equal(1, await store.PurgeAsync(start + TimeSpan.FromMinutes(30), default));
        Assert.Equal(DeduplicationClaim.Claimed, await store.TryClaimAsync(Group, "b-first", Guid.NewGuid(), Lease, default));
        Assert.Equal(1, await store.PurgeAsync(start + hour + TimeSpan.FromMinutes(30), default));
        Assert.Equal(DeduplicationClaim.AlreadyProcessed, await store.TryClaimAsync(Group, "a-third", Guid.NewGuid(), Lease, default));
        Time.Advance(Lease);
        Assert.Equal(DeduplicationClaim.Claimed, await store.TryClaimAsync(Group, "c-claimed", Owner, Lease, default));
    }

    /// <summary>Creates the store's table beforehand, as its own DDL would, plus <paramref name="extraCheck"/>.</summary>
    private Task PrepareTableAsync(string extraCheck) =>
        ExecuteOnFileAsync($"""
            CREATE TABLE {SqliteDeduplicationStore.TableName} (
                consumer_group TEXT NOT NULL, message_id TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('claimed', 'processed')),
                lease_expires_at INTEGER NULL, processed_at INTEGER NULL, owner BLOB NULL,
                PRIMARY KEY (consumer_group, message_id), {extraCheck}) WITHOUT ROWID;
            """);

    /// <summary>Runs <paramref name="sql"/> on the database file before any store opens it (its folder created first).</summary>
    private async Task ExecuteOnFileAsync(string sql)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabaseFile)!);
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private const string SqliteDeduplicationStoreWatermarks = SqliteDeduplicationStore.TableName + "_watermarks";

    private async Task<long> CountAsync(string where, string table = SqliteDeduplicationStore.TableName)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {table} WHERE {where};";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The indexes on the store's table other than its primary key's.</summary>
    private async Task<List<string>> IndexesAsync()
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = '{SqliteDeduplicationStore.TableName}' AND sql IS NOT NULL;";
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}
