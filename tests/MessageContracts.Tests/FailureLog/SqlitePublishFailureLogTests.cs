using Microsoft.Data.Sqlite;
using Xunit;

namespace MessageContracts.Tests.FailureLog;

public sealed class SqlitePublishFailureLogTests : PublishFailureLogContract
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "messagecontracts-failure-log-tests", Guid.NewGuid().ToString("N"));
    private int instances;

    private string DatabaseFile => Path.Combine(folder, "nested", "failures.db");

    private string ConnectionString => new SqliteConnectionStringBuilder { DataSource = DatabaseFile }.ToString();

    // The first instance pools its connections; the others open their own each time, as another process would.
    protected override IPublishFailureLog CreateLog() =>
        new SqlitePublishFailureLog(
            instances++ == 0 ? ConnectionString : new SqliteConnectionStringBuilder(ConnectionString) { Pooling = false }.ToString());

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
    public async Task The_file_is_created_with_its_folder_on_first_use_not_before()
    {
        var log = CreateLog();
        Assert.False(File.Exists(DatabaseFile));

        await log.CountAsync(default);

        Assert.True(File.Exists(DatabaseFile));
    }

    [Fact]
    public async Task Purging_a_log_that_never_stored_anything_does_not_create_its_file()
    {
        var log = CreateLog();

        Assert.Equal(0, await log.PurgeAsync(DateTimeOffset.UtcNow, default));

        Assert.False(File.Exists(DatabaseFile));
    }

    [Fact]
    public void The_default_file_is_named_after_the_service_under_local_application_data()
    {
        var path = SqlitePublishFailureLog.DefaultPath("orders/api v2");

        Assert.Equal("orders_api_v2.failures.db", Path.GetFileName(path));
        Assert.Equal("MessageContracts", Path.GetFileName(Path.GetDirectoryName(path)));
        Assert.True(Directory.Exists(Path.GetDirectoryName(path)));
    }

    [Theory]
    [InlineData("Data Source=:memory:")]
    [InlineData("Data Source=failures;Mode=Memory")]
    public void An_in_memory_database_is_refused(string connectionString)
    {
        Assert.Throws<ArgumentException>(() => new SqlitePublishFailureLog(connectionString));
    }
}
