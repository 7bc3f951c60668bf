using System.Data.Common;
using System.Globalization;
using MessageContracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace OrderFlow.Services;

/// <summary>
/// The order service: saves each order and enqueues its OrderPlaced event and its GrantPoints command in one
/// database transaction (the transactional outbox). Its relay publishes them once the transaction has committed.
/// It handles no messages, so it runs no consumer.
/// </summary>
public sealed class OrderService(IHost host, SampleEnvironment environment) : IAsyncDisposable
{
    public const string Name = "orderflow-orders";

    private readonly List<OrderPlaced> placed = [];

    /// <summary>The orders whose transaction committed, in order.</summary>
    public IReadOnlyList<OrderPlaced> Placed => placed;

    public static async Task<OrderService> StartAsync(SampleEnvironment environment, CancellationToken cancellationToken)
    {
        // No producer tuning for the produce-timeout fault: the toolkit derives the request timeout from PublishTimeout
        // (a third of 30 s), so an unanswered Produce is re-sent well before the publish would time out.
        var host = await ServiceHost.StartAsync(Name, handlerNamespace: null, environment, _ => { }, environment.Storage.UseOutbox, cancellationToken);
        return new OrderService(host, environment);
    }

    /// <summary>One points per whole currency unit.</summary>
    public static int PointsFor(OrderPlaced order) => (int)order.Total;

    public async Task PlaceAsync(OrderPlaced order, CancellationToken cancellationToken)
    {
        var outbox = host.Services.GetRequiredService<IOutbox>();
        await using var connection = await environment.Storage.OpenOrdersAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO orderflow_orders (order_id, customer_id, total) VALUES (@id, @customer, @total)";
            AddParameter(insert, "@id", order.OrderId.ToString("N"));
            AddParameter(insert, "@customer", order.CustomerId);
            AddParameter(insert, "@total", order.Total);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        // Both messages commit with the order, or neither does.
        await outbox.EnqueueAsync(order, transaction, cancellationToken);
        await outbox.EnqueueAsync(new GrantPoints(order.CustomerId, PointsFor(order), order.OrderId), transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        placed.Add(order);
    }

    public static OrderPlaced NewOrder(int number) =>
        new(Guid.NewGuid(), "customer-" + (number % 3).ToString(CultureInfo.InvariantCulture), 20m + number);

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
