using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;

namespace MessageContracts.Benchmarks.EndToEnd;

/// <summary>
/// (x) The Redis baseline: StackExchange.Redis on the same server as the toolkit's Redis contender, with the guarantees
/// the toolkit gives. One <c>XADD</c> per message with the toolkit's fields (the six CloudEvents attributes, then
/// <c>partitionkey</c>, then <c>data</c>) and its default retention (<c>MAXLEN ~ 1000000</c>), each awaited (Redis
/// answered), <see cref="RunSettings.Window"/> in flight; one consumer of one group reading with <c>XREADGROUP ... COUNT
/// 100</c> (the toolkit's batch), handling each entry (its <c>ce_id</c> read, its body deserialized) and acknowledging
/// the batch's entries with one <c>XACK</c> after handling them. An empty read waits a millisecond (no doorbell).
/// </summary>
/// <remarks>Each run has its own stream (a fresh key), deleted afterwards.</remarks>
internal sealed class RawRedisContender(string? configuration) : Contender
{
    private const string Group = "bench";
    private const string Consumer = "bench-raw";
    private const int ReadBatchSize = 100;
    private static readonly StreamAddOptions Retention = new() { MaxLength = 1_000_000, Approximate = true };

    public override string Key => RedisBench.RawKey;

    public override string Description => "raw StackExchange.Redis: XADD with the CloudEvents fields and MAXLEN ~, XREADGROUP + XACK per batch of 100 (the Redis reference)";

    public override string Broker => RedisBench.Broker;

    public override string? SkipReason => string.IsNullOrEmpty(configuration) ? $"{RedisBench.Variable} is not set (source scripts/brokers.sh)" : null;

    public override async Task<RunResult> RunAsync(RunSettings settings, int round)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(configuration!).ConfigureAwait(false);
        var database = connection.GetDatabase();
        RedisKey stream = "bench:raw:" + Guid.NewGuid().ToString("N")[..12] + ":" + BenchTopics.Orders;
        await database.StreamCreateConsumerGroupAsync(stream, Group, "0-0", createStream: true).ConfigureAwait(false);
        using var stop = new CancellationTokenSource();
        var sink = new LatencySink();
        var consumer = Task.Run(() => ConsumeAsync(database, stream, sink, stop.Token));
        try
        {
            sink.Reset(settings.WarmUp);
            await PublishAsync(database, stream, settings.WarmUp, settings.Window).ConfigureAwait(false);
            if (!await WaitAsync(sink, settings.Timeout).ConfigureAwait(false))
            {
                throw new TimeoutException("raw Redis: the warm-up messages were not consumed.");
            }

            sink.Reset(settings.Messages);
            var started = Stopwatch.GetTimestamp();
            await (settings.PacedRate is { } rate
                ? PublishPacedAsync(database, stream, settings.Messages, rate)
                : PublishAsync(database, stream, settings.Messages, settings.Window)).ConfigureAwait(false);
            var published = Stopwatch.GetTimestamp();
            var completed = await WaitAsync(sink, settings.Timeout).ConfigureAwait(false);
            return Result(Key, round, settings, sink, started, published, completed);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await consumer.ConfigureAwait(false);
            await database.KeyDeleteAsync(stream).ConfigureAwait(false);
        }
    }

    private static async Task ConsumeAsync(IDatabase database, RedisKey stream, LatencySink sink, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var entries = await database.StreamReadGroupAsync(stream, Group, Consumer, StreamPosition.NewMessages, ReadBatchSize).ConfigureAwait(false);
            if (entries.Length == 0)
            {
                try
                {
                    await Task.Delay(1, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            var ids = new RedisValue[entries.Length];
            for (var i = 0; i < entries.Length; i++)
            {
                RedisValue id = default;
                RedisValue data = default;
                foreach (var field in entries[i].Values)
                {
                    if (field.Name == "ce_id")
                    {
                        id = field.Value;
                    }
                    else if (field.Name == "data")
                    {
                        data = field.Value;
                    }
                }

                if (id.IsNullOrEmpty)
                {
                    throw new InvalidOperationException("raw Redis: an entry without ce_id.");
                }

                var message = JsonSerializer.Deserialize(((ReadOnlyMemory<byte>)data).Span, BenchJsonContext.Default.BenchOrderPlaced)!;
                sink.Record(message.SentAt);
                ids[i] = entries[i].Id;
            }

            await database.StreamAcknowledgeAsync(stream, Group, ids).ConfigureAwait(false);
        }
    }

    /// <summary>Publishes <paramref name="count"/> messages, <paramref name="window"/> XADDs outstanding, and awaits them.</summary>
    private static async Task PublishAsync(IDatabase database, RedisKey stream, int count, int window)
    {
        var pending = new Task[Math.Min(window, count)];
        long sequence = 0;
        for (var sent = 0; sent < count;)
        {
            var batch = Math.Min(window, count - sent);
            for (var i = 0; i < batch; i++)
            {
                pending[i] = PublishOneAsync(database, stream, sequence++);
            }

            await Task.WhenAll(pending.AsSpan(0, batch)).ConfigureAwait(false);
            sent += batch;
        }
    }

    private static async Task PublishPacedAsync(IDatabase database, RedisKey stream, int count, double rate)
    {
        var pending = new Task[count];
        await Pacing.RunAsync(count, rate, sequence => pending[sequence] = PublishOneAsync(database, stream, sequence)).ConfigureAwait(false);
        await Task.WhenAll(pending).ConfigureAwait(false);
    }

    private static Task<RedisValue> PublishOneAsync(IDatabase database, RedisKey stream, long sequence)
    {
        var message = BenchOrderPlaced.Create(sequence);
        var fields = new NameValueEntry[]
        {
            new("ce_specversion", "1.0"),
            new("ce_id", Guid.CreateVersion7().ToString("D")),
            new("ce_type", RedisBench.MessageType),
            new("ce_source", RedisBench.Source),
            new("ce_time", DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture)),
            new("content-type", "application/json"),
            new("partitionkey", message.OrderId.ToString("D")),
            new("data", JsonSerializer.SerializeToUtf8Bytes(message, BenchJsonContext.Default.BenchOrderPlaced)),
        };
        return database.StreamAddAsync(stream, fields, Retention);
    }
}

/// <summary>What the Redis contenders share.</summary>
internal static class RedisBench
{
    /// <summary>The server's configuration string, as scripts/brokers.sh exports it.</summary>
    public const string Variable = "MESSAGECONTRACTS_REDIS";

    /// <summary>The <see cref="Contender.Broker"/> of the Redis contenders.</summary>
    public const string Broker = "redis";

    /// <summary>The raw reference every Redis contender's ratios are given against.</summary>
    public const string RawKey = "x-redis-raw";

    public const string MessageType = "BenchOrderPlaced";

    public const string Source = "bench";
}
