using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace MessageContracts.Benchmarks.EndToEnd;

/// <summary>
/// (e) Publishing through the transactional outbox (SQLite), consumed like (b) with in-memory deduplication. Each message
/// is its own business transaction: BEGIN, <see cref="IOutbox.EnqueueAsync"/>, COMMIT, as a service writing one order
/// at a time does; the outbox relay then produces committed rows in batches. The latency stamp is taken before the
/// transaction, so publish-to-handle latency includes the commit and the relay's pick-up.
/// </summary>
internal sealed class OutboxContender(string directory) : Contender
{
    public override string Key => "e-outbox";

    public override string Description => "through the SQLite outbox (one transaction per message), in-memory dedup";

    /// <summary>Its messages go out one committed transaction at a time, as fast as they commit: pacing measures nothing more.</summary>
    public override bool CanBePaced => false;

    public override async Task<RunResult> RunAsync(RunSettings settings, int round)
    {
        await using var kafka = await StartKafkaAsync(settings).ConfigureAwait(false);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "outbox-" + Guid.NewGuid().ToString("N") + ".db");
        var connectionString = "Data Source=" + path;
        var sink = new LatencySink();
        try
        {
            using var host = ToolkitContender.BuildHost(
                kafka, new InMemoryDeduplicationStore(), sink, options => options.UseSqliteOutbox(connectionString));
            await host.StartAsync().ConfigureAwait(false);
            var outbox = host.Services.GetRequiredService<IOutbox>();
            await using var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync().ConfigureAwait(false);

            sink.Reset(settings.WarmUp);
            await EnqueueAsync(outbox, connection, settings.WarmUp).ConfigureAwait(false);
            if (!await WaitAsync(sink, settings.Timeout).ConfigureAwait(false))
            {
                throw new TimeoutException($"{Key}: the warm-up messages were not handled.");
            }

            sink.Reset(settings.Messages);
            var started = Stopwatch.GetTimestamp();
            await EnqueueAsync(outbox, connection, settings.Messages).ConfigureAwait(false);
            var published = Stopwatch.GetTimestamp();
            var completed = await WaitAsync(sink, settings.Timeout).ConfigureAwait(false);
            var result = Result(Key, round, settings, sink, started, published, completed);
            await host.StopAsync().ConfigureAwait(false);
            return result;
        }
        finally
        {
            Stores.DeleteDatabase(path);
        }
    }

    /// <summary>Writes <paramref name="count"/> messages, each in its own committed transaction.</summary>
    private static async Task EnqueueAsync(IOutbox outbox, SqliteConnection connection, int count)
    {
        for (long sequence = 0; sequence < count; sequence++)
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync().ConfigureAwait(false);
            await outbox.EnqueueAsync(BenchOrderPlaced.Create(sequence), transaction).ConfigureAwait(false);
            await transaction.CommitAsync().ConfigureAwait(false);
        }
    }
}
