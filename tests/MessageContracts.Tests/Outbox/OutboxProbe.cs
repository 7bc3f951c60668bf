using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Extensions.DependencyInjection;

namespace MessageContracts.Tests.Outbox;

/// <summary>The message of the outbox tests. <see cref="Sequence"/> numbers the messages of one <see cref="Key"/>.</summary>
[Event(Topic = OutboxProbes.Topic)]
public sealed partial record OutboxProbe(
    [property: PartitionKey] string Key,
    int Sequence);

public static class OutboxProbes
{
    public const string Topic = "outbox.probes";
}

/// <summary>
/// Handles <see cref="OutboxProbe"/>: does nothing in hosts without an <see cref="OutboxProbeSink"/>; with one, writes an
/// effect row through the inbox transaction (so the effect commits with the inbox row, or not at all).
/// </summary>
[Idempotent]
public sealed class OutboxProbeHandler(IServiceProvider services) : IMessageHandler<OutboxProbe>
{
    public Task HandleAsync(OutboxProbe message, MessageContext context, CancellationToken cancellationToken) =>
        services.GetService<OutboxProbeSink>() is { } sink ? sink.HandleAsync(message, context, cancellationToken) : Task.CompletedTask;
}

/// <summary>Where a test host's <see cref="OutboxProbeHandler"/> writes, and a gate a test may hold it at.</summary>
public sealed class OutboxProbeSink(string effectsTable)
{
    private readonly ConcurrentDictionary<string, int> attempts = new();

    /// <summary>Called after the effect row was written, before the handler returns (and the inbox commits).</summary>
    public Func<OutboxProbe, MessageContext, CancellationToken, Task>? AfterWrite { get; set; }

    public int AttemptsFor(string messageId) => attempts.TryGetValue(messageId, out var n) ? n : 0;

    public int TotalAttempts => attempts.Values.Sum();

    public async Task HandleAsync(OutboxProbe message, MessageContext context, CancellationToken cancellationToken)
    {
        attempts.AddOrUpdate(context.MessageId, 1, (_, n) => n + 1);
        var connection = context.Connection ?? throw new InvalidOperationException("The outbox tests run with an inbox: the context must carry its connection.");
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = context.Transaction;
            command.CommandText = $"INSERT INTO {effectsTable} (message_id, probe_key, sequence) VALUES (@id, @key, @sequence)";
            Add(command, "@id", context.MessageId);
            Add(command, "@key", message.Key);
            Add(command, "@sequence", message.Sequence);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        if (AfterWrite is { } afterWrite)
        {
            await afterWrite(message, context, cancellationToken);
        }
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
