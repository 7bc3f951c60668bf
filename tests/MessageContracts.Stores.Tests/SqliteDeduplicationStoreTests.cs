using Microsoft.Data.Sqlite;
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
}
