using MessageContracts.Behaviour.Tests.Support;
using MessageContracts.Behaviour.Tests.Transports;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace MessageContracts.Behaviour.Tests.Suite;

/// <summary>
/// The outbox: a message written through the SQLite outbox in the application's transaction is relayed (through the
/// transport under test) once that transaction commits, and handled; one whose transaction rolls back never leaves.
/// </summary>
public abstract class OutboxBehaviour<TTransport>(TTransport transport, ITestOutputHelper output) : BehaviourTest<TTransport>(transport, output), IDisposable
    where TTransport : TransportUnderTest
{
    private static readonly string Topic = SuiteDestinations.Of<OutboxProbe>();

    private readonly string folder = Directory.CreateTempSubdirectory("mc-behaviour-outbox-").FullName;

    [Fact]
    public async Task A_committed_outbox_message_is_relayed_and_handled_and_a_rolled_back_one_is_not()
    {
        var database = "Data Source=" + Path.Combine(folder, "orders.db");
        var consumer = await StartAsync("warehouse", [typeof(OutboxHandler)]);
        var orders = await StartAsync("orders", [], options =>
        {
            options.UseSqliteOutbox(database);
            options.Outbox.PollInterval = TimeSpan.FromMilliseconds(50);
        });
        var outbox = orders.Services.GetRequiredService<IOutbox>();

        await using var connection = new SqliteConnection(database);
        await connection.OpenAsync();
        await ExecuteAsync(connection, null, "CREATE TABLE IF NOT EXISTS orders (id TEXT PRIMARY KEY)");

        // Rolled back first, on the same key: had it left, it would be handled before the committed one.
        string rolledBack;
        await using (var transaction = (SqliteTransaction)await connection.BeginTransactionAsync())
        {
            await ExecuteAsync(connection, transaction, "INSERT INTO orders (id) VALUES ('order-1')");
            rolledBack = await outbox.EnqueueAsync(new OutboxProbe("order-1", "rolled back"), transaction);
            await transaction.RollbackAsync();
        }

        string committed;
        await using (var transaction = (SqliteTransaction)await connection.BeginTransactionAsync())
        {
            await ExecuteAsync(connection, transaction, "INSERT INTO orders (id) VALUES ('order-2')");
            committed = await outbox.EnqueueAsync(new OutboxProbe("order-1", "committed"), transaction);
            await transaction.CommitAsync();
        }

        await consumer.Log.WaitForEffectsAsync([committed], Patience);

        // The relay marks what it sent; once nothing is left unsent and the consumer settled, nothing else can arrive.
        await Eventually.UntilAsync(() => CountUnsent(connection) == 0, Patience, () => $"{CountUnsent(connection)} outbox message(s) still unsent");
        await Transport.WaitUntilSettledAsync(Topic, consumer.Service, Patience);

        Assert.Equal(1, consumer.Log.EffectsFor(committed));
        Assert.Equal(0, consumer.Log.AttemptsFor(rolledBack));
        var (_, message) = Assert.Single(consumer.Log.Effects);
        Assert.Equal("committed", ((OutboxProbe)message).Note);
        Assert.Equal(1L, Scalar(connection, "SELECT count(*) FROM outbox_messages"));

        // The application's own write went the way of its transaction's message.
        Assert.Equal(0L, Scalar(connection, "SELECT count(*) FROM orders WHERE id = 'order-1'"));
        Assert.Equal(1L, Scalar(connection, "SELECT count(*) FROM orders WHERE id = 'order-2'"));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temporary folder.
        }
    }

    private static long CountUnsent(SqliteConnection connection) => Scalar(connection, "SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL");

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
