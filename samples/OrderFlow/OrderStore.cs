using MessageContracts;
using Microsoft.Data.Sqlite;

namespace OrderFlow;

/// <summary>The order service's own data: an orders table in SQLite, written in the same transaction as the outbox.</summary>
public static class OrderStore
{
    public static async Task CreateAsync(string connectionString)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE IF NOT EXISTS orders (order_id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, total TEXT NOT NULL)";
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Saves the order and enqueues its OrderPlaced event in one transaction: both are committed, or neither is. The
    /// event reaches Kafka only after the commit, from the outbox relay.
    /// </summary>
    public static async Task<string> PlaceAsync(string connectionString, IOutbox outbox, OrderPlaced order)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = connection.BeginTransaction();

        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO orders (order_id, customer_id, total) VALUES ($id, $customer, $total)";
            insert.Parameters.AddWithValue("$id", order.OrderId.ToString("N"));
            insert.Parameters.AddWithValue("$customer", order.CustomerId);
            insert.Parameters.AddWithValue("$total", order.Total.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await insert.ExecuteNonQueryAsync();
        }

        var messageId = await outbox.EnqueueAsync(order, transaction);
        await transaction.CommitAsync();
        return messageId;
    }
}
