using MessageContracts.PostgreSql;
using Npgsql;
using Xunit;

namespace MessageContracts.Stores.Tests;

public sealed class PostgreSqlDeduplicationStoreTests(PostgreSqlServer server) : DeduplicationStoreContract, IClassFixture<PostgreSqlServer>
{
    private static readonly Guid Owner = Guid.NewGuid();

    // Each test gets its own schema, created by the store itself and dropped afterwards.
    private readonly string schema = PostgreSqlServer.NewSchemaName();
    private readonly List<PostgreSqlDeduplicationStore> owned = [];
    private int instances;

    // The first instance shares the fixture's pool; the others have their own pools, as other processes would.
    protected override IDeduplicationStore CreateStore()
    {
        if (instances++ == 0)
        {
            return new PostgreSqlDeduplicationStore(server.DataSource, schema, timeProvider: Time);
        }

        var store = new PostgreSqlDeduplicationStore(server.ConnectionString, schema, timeProvider: Time);
        owned.Add(store);
        return store;
    }

    public override async Task DisposeAsync()
    {
        foreach (var store in owned)
        {
            await store.DisposeAsync();
        }

        await server.DropSchemaAsync(schema);
    }

    [Fact]
    public async Task Many_instances_starting_at_once_on_an_empty_database_create_the_table_once()
    {
        var stores = Enumerable.Range(0, 8).Select(_ => (PostgreSqlDeduplicationStore)CreateStore()).ToArray();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        await Task.WhenAll(stores.Select(store => Task.Run(async () =>
        {
            await start.Task;
            await store.EnsureCreatedAsync();
        })).Append(Task.Run(start.SetResult)));

        var results = await ClaimTogetherAsync(stores.Select(store => new Claimer(store, Guid.NewGuid())), "m1");
        Assert.Equal(1, results.Count(r => r == DeduplicationClaim.Claimed));
    }

    [Fact]
    public async Task Stores_on_several_tables_of_one_new_schema_start_together()
    {
        // Different tables take different advisory locks, so these race to create the one schema: the losers' unique
        // violation must be absorbed, not thrown.
        var stores = Enumerable.Range(0, 6)
            .Select(i => new PostgreSqlDeduplicationStore(server.DataSource, schema, $"dedup_{i}", Time))
            .ToArray();

        await Task.WhenAll(stores.Select(store => Task.Run(() => store.EnsureCreatedAsync())));

        foreach (var store in stores)
        {
            Assert.Equal(DeduplicationClaim.Claimed, await store.TryClaimAsync(Group, "m1", Owner, Lease, default));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_create_by_another_session_that_commits_first_is_absorbed(bool schemaToo)
    {
        // Another session (a migration tool, an older version without the advisory lock) creates the table inside an
        // open transaction; the store's CREATE waits on it and, once it commits, gets a unique violation to absorb.
        if (!schemaToo)
        {
            await using var createSchema = server.DataSource.CreateCommand($"CREATE SCHEMA \"{schema}\"");
            await createSchema.ExecuteNonQueryAsync();
        }

        await using var other = await server.DataSource.OpenConnectionAsync();
        await using var transaction = await other.BeginTransactionAsync();
        var ddl = (schemaToo ? $"CREATE SCHEMA \"{schema}\"; " : "")
            + $"CREATE TABLE \"{schema}\".message_deduplication (consumer_group text NOT NULL, message_id text NOT NULL, state text NOT NULL, "
            + "lease_expires_at timestamptz NULL, processed_at timestamptz NULL, PRIMARY KEY (consumer_group, message_id))";
        await using (var create = new NpgsqlCommand(ddl, other, transaction))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using var store = new PostgreSqlDeduplicationStore(server.ConnectionString, schema, timeProvider: Time);
        var starting = store.EnsureCreatedAsync();
        await WaitUntilBlockedAsync(starting);
        await transaction.CommitAsync();
        await starting.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(DeduplicationClaim.Claimed, await store.TryClaimAsync(Group, "m1", Owner, Lease, default));
    }

    private async Task WaitUntilBlockedAsync(Task starting)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(starting.IsCompleted, "The store finished creating its table while another session held an uncommitted CREATE.");
            await using var command = server.DataSource.CreateCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%' || $1 || '%'");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = schema });
            if ((long)(await command.ExecuteScalarAsync())! > 0)
            {
                return;
            }

            await Task.Delay(20);
        }

        Assert.Fail("The store's CREATE never waited on the other session's.");
    }

    [Fact]
    public async Task The_table_has_a_row_per_group_and_message_with_its_state_and_times()
    {
        var store = new PostgreSqlDeduplicationStore(server.DataSource, schema, "inbox", Time);
        await store.TryClaimAsync(Group, "claimed", Owner, Lease, default);
        await store.MarkProcessedAsync(Group, "processed", Owner, default);

        await using var command = server.DataSource.CreateCommand(
            $"SELECT message_id, state, lease_expires_at, processed_at FROM \"{schema}\".inbox WHERE consumer_group = 'orders' ORDER BY message_id");
        await using var reader = await command.ExecuteReaderAsync();

        Assert.True(await reader.ReadAsync());
        Assert.Equal(("claimed", "claimed"), (reader.GetString(0), reader.GetString(1)));
        Assert.Equal(Time.GetUtcNow() + Lease, reader.GetFieldValue<DateTimeOffset>(2));
        Assert.True(reader.IsDBNull(3));
        Assert.True(await reader.ReadAsync());
        Assert.Equal(("processed", "processed"), (reader.GetString(0), reader.GetString(1)));
        Assert.True(reader.IsDBNull(2));
        Assert.Equal(Time.GetUtcNow(), reader.GetFieldValue<DateTimeOffset>(3));
        Assert.False(await reader.ReadAsync());
    }

    [Fact]
    public async Task A_table_created_beforehand_is_used_without_ddl()
    {
        var prepared = new PostgreSqlDeduplicationStore(server.DataSource, schema, "prepared", Time);
        await prepared.EnsureCreatedAsync();
        await prepared.MarkProcessedAsync(Group, "m1", Owner, default);

        await using var again = new PostgreSqlDeduplicationStore(server.ConnectionString, schema, "prepared", Time);

        Assert.Equal(DeduplicationClaim.AlreadyProcessed, await again.TryClaimAsync(Group, "m1", Owner, Lease, default));
    }

    [Fact]
    public void Names_that_would_need_quoting_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new PostgreSqlDeduplicationStore(server.DataSource, "bad\"schema"));
        Assert.Throws<ArgumentException>(() => new PostgreSqlDeduplicationStore(server.DataSource, tableName: "drop table x;"));
        Assert.Throws<ArgumentException>(() => new PostgreSqlDeduplicationStore(server.DataSource, tableName: "1st"));
        Assert.Throws<ArgumentNullException>(() => new PostgreSqlDeduplicationStore((NpgsqlDataSource)null!));

        var defaults = new PostgreSqlDeduplicationStore(server.DataSource);
        Assert.Equal(("public", "message_deduplication"), (defaults.Schema, defaults.TableName));
    }

    [Fact]
    public async Task An_unreachable_server_fails_with_the_connection_string_it_tried()
    {
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(
            () => PostgreSqlServer.ConnectAsync("Host=127.0.0.1;Port=1;Username=postgres;Password=secret;Database=postgres;Timeout=2"));

        Assert.Contains("Host=127.0.0.1;Port=1", exception.Message);
        Assert.Contains(PostgreSqlServer.EnvironmentVariable, exception.Message);
        Assert.DoesNotContain("secret", exception.Message);
    }

    [Fact]
    public async Task A_store_on_an_unreachable_server_throws_instead_of_claiming()
    {
        await using var store = new PostgreSqlDeduplicationStore("Host=127.0.0.1;Port=1;Username=postgres;Password=x;Timeout=2", schema, timeProvider: Time);

        await Assert.ThrowsAnyAsync<NpgsqlException>(() => store.TryClaimAsync(Group, "m1", Owner, Lease, default));
    }

    [Fact]
    public async Task An_id_longer_than_an_index_entry_is_rejected_as_the_records_fault_and_nothing_of_its_call_is_written()
    {
        // The seed's case: a 10,000-character ce_id. PostgreSQL refuses the key (54000 program_limit_exceeded); random
        // characters, because a repetitive one compresses into the index entry.
        var store = CreateStore();
        var hostile = string.Concat(Enumerable.Range(0, 10_000 / 32 + 1).Select(_ => Guid.NewGuid().ToString("N")))[..10_000];

        var rejected = await Assert.ThrowsAsync<MessageIdRejectedException>(() => store.TryClaimAsync(Group, ["ok-1", hostile, "ok-2"], Owner, Lease, default));

        Assert.Equal(hostile, rejected.MessageId);
        Assert.Contains("PostgreSQL 54000", rejected.Message);
        Assert.Contains("(10,000 characters)", rejected.Message);
        Assert.True(rejected.Message.Length < 600, "the reason quotes a short form of the ID, not all of it");
        Assert.Equal(PostgresErrorCodes.ProgramLimitExceeded, Assert.IsType<PostgresException>(rejected.InnerException).SqlState);
        await Assert.ThrowsAsync<MessageIdRejectedException>(() => store.MarkProcessedAsync(Group, [hostile], Owner, default));
        Assert.Equal([DeduplicationClaim.Claimed, DeduplicationClaim.Claimed], await CreateStore().TryClaimAsync(Group, ["ok-1", "ok-2"], Guid.NewGuid(), Lease, default));
    }

    [Fact]
    public async Task An_id_longer_than_a_narrower_column_a_dba_created_is_rejected_as_the_records_fault()
    {
        await PrepareTableAsync(messageIdType: "varchar(40)", consumerGroupType: "text");
        var store = CreateStore();
        var longId = new string('y', 60);

        var rejected = await Assert.ThrowsAsync<MessageIdRejectedException>(() => store.TryClaimAsync(Group, longId, Owner, Lease, default));

        Assert.Equal(longId, rejected.MessageId);
        Assert.Contains("PostgreSQL 22001", rejected.Message);
        Assert.Equal(DeduplicationClaim.Claimed, await store.TryClaimAsync(Group, new string('y', 40), Owner, Lease, default));
    }

    [Fact]
    public async Task A_column_every_row_overflows_is_not_blamed_on_the_record()
    {
        // The consumer group, not the ID, is too long for the table: every record would fail, so none is dead-lettered.
        await PrepareTableAsync(messageIdType: "text", consumerGroupType: "varchar(3)");
        var store = CreateStore();

        var exception = await Assert.ThrowsAsync<PostgresException>(() => store.TryClaimAsync(Group, "m1", Owner, Lease, default));

        Assert.Equal(PostgresErrorCodes.StringDataRightTruncation, exception.SqlState);
    }

    [Fact]
    public async Task A_table_an_earlier_version_created_without_owners_is_upgraded_and_keeps_its_rows()
    {
        await using (var command = server.DataSource.CreateCommand($"""
            CREATE SCHEMA "{schema}";
            CREATE TABLE "{schema}".message_deduplication (consumer_group text NOT NULL, message_id text NOT NULL, state text NOT NULL,
                lease_expires_at timestamptz NULL, processed_at timestamptz NULL, PRIMARY KEY (consumer_group, message_id));
            INSERT INTO "{schema}".message_deduplication VALUES ('orders', 'old-processed', 'processed', NULL, now());
            """))
        {
            await command.ExecuteNonQueryAsync();
        }

        var stores = Enumerable.Range(0, 3).Select(_ => CreateStore()).ToArray();
        await Task.WhenAll(stores.Select(store => Task.Run(() => ((PostgreSqlDeduplicationStore)store).EnsureCreatedAsync())));

        Assert.Equal(DeduplicationClaim.AlreadyProcessed, await stores[0].TryClaimAsync(Group, "old-processed", Owner, Lease, default));
        Assert.Equal(DeduplicationClaim.Claimed, await stores[1].TryClaimAsync(Group, "new", Owner, Lease, default));
        Assert.False(await stores[2].RenewAsync(Group, "new", Guid.NewGuid(), Lease, default));
        Assert.True(await stores[2].MarkProcessedAsync(Group, "new", Owner, default));
    }

    private async Task PrepareTableAsync(string messageIdType, string consumerGroupType)
    {
        await using var command = server.DataSource.CreateCommand($"""
            CREATE SCHEMA "{schema}";
            CREATE TABLE "{schema}".message_deduplication (consumer_group {consumerGroupType} NOT NULL, message_id {messageIdType} NOT NULL,
                state text NOT NULL, lease_expires_at timestamptz NULL, processed_at timestamptz NULL, owner uuid NULL,
                PRIMARY KEY (consumer_group, message_id));
            """);
        await command.ExecuteNonQueryAsync();
    }
}
