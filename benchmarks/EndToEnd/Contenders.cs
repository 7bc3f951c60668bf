using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using MessageContracts.PostgreSql;
using MessageContracts.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MessageContracts.Benchmarks.EndToEnd;

/// <summary>
/// What one run is asked to do. With <see cref="PacedRate"/> (messages per second) the measured messages are published
/// at that fixed rate instead of <see cref="Window"/> at a time as fast as they go: a latency measurement, not a
/// throughput one.
/// </summary>
internal sealed record RunSettings(int Messages, int WarmUp, int Window, int Partitions, TimeSpan Timeout, double? PacedRate = null);

/// <summary>One contender's figures from one run.</summary>
internal sealed record RunResult(string Contender, int Round, int Messages, int Handled, double Seconds, double PublishSeconds, double P50Ms, double P99Ms)
{
    public bool Completed => Handled >= Messages;

    public double MessagesPerSecond => Handled / Seconds;
}

/// <summary>Bytes allocated in the whole process per message, on the publish path and on the consume path.</summary>
/// <remarks>The phases run alone (publish everything, then consume everything), so their rates are reported as well.</remarks>
internal sealed record AllocationResult(string Contender, int Messages, double PublishBytesPerMessage, double ConsumeBytesPerMessage, double PublishSeconds, double ConsumeSeconds)
{
    /// <summary>The allocation round (1-based), to pair a contender with (a2) of the same round.</summary>
    public int Round { get; init; }

    /// <summary>The process's CPU and collections over the consume phase alone (<see cref="ProcessCost.Describe"/>).</summary>
    public string ConsumeCost { get; init; } = "";

    /// <summary>The publish-alone rate: <see cref="Messages"/> published with the window of calls outstanding.</summary>
    public double PublishMessagesPerSecond => Messages / PublishSeconds;
}

/// <summary>One way of getting messages from a publisher to a handler through the embedded Kafka.</summary>
internal abstract class Contender
{
    public abstract string Key { get; }

    public abstract string Description { get; }

    /// <summary>Why this contender cannot run here, or null when it can.</summary>
    public virtual string? SkipReason => null;

    /// <summary>
    /// The contender's broker: its ratios are given against that broker's raw reference (Kafka's (a) and (a2),
    /// RabbitMQ's (r)), in a table of its own.
    /// </summary>
    public virtual string Broker => "kafka";

    /// <summary>Whether the contender can publish at a fixed rate (<see cref="RunSettings.PacedRate"/>).</summary>
    public virtual bool CanBePaced => true;

    /// <summary>Publishes <see cref="RunSettings.WarmUp"/> messages and waits until they are handled, then measures <see cref="RunSettings.Messages"/>.</summary>
    public abstract Task<RunResult> RunAsync(RunSettings settings, int round);

    /// <summary>Allocations per message: publish all first (no consumer), then consume all.</summary>
    public virtual Task<AllocationResult?> MeasureAllocationsAsync(RunSettings settings) => Task.FromResult<AllocationResult?>(null);

    protected static async Task<EmbeddedKafka> StartKafkaAsync(RunSettings settings)
    {
        // A fresh cluster per run: no earlier run's records, groups or offsets, and the mock's per-partition
        // retention (5 MiB) is never reached even if the consumer falls far behind.
        var kafka = await EmbeddedKafka.StartAsync().ConfigureAwait(false);
        kafka.CreateTopic(BenchTopics.Orders, settings.Partitions);
        return kafka;
    }

    protected static async Task<bool> WaitAsync(LatencySink sink, TimeSpan timeout)
    {
        var finished = await Task.WhenAny(sink.Completed, Task.Delay(timeout)).ConfigureAwait(false);
        return finished == sink.Completed;
    }

    protected static RunResult Result(string key, int round, RunSettings settings, LatencySink sink, long started, long published, bool completed)
    {
        var end = completed ? sink.LastHandledAt : Stopwatch.GetTimestamp();
        var sorted = sink.SortedLatencies();
        return new RunResult(
            key, round, settings.Messages, sink.Handled,
            Stopwatch.GetElapsedTime(started, end).TotalSeconds,
            Stopwatch.GetElapsedTime(started, published).TotalSeconds,
            LatencySink.PercentileMs(sorted, 0.50),
            LatencySink.PercentileMs(sorted, 0.99));
    }
}

/// <summary>
/// (a) The baseline: Confluent.Kafka with byte[] payloads and System.Text.Json source generation. The producer has the
/// toolkit producer's settings (idempotence, acks=all, linger 5 ms); the consumer has the toolkit consumer's settings
/// (auto-commit of offsets stored by hand after handling, plus the embedded cluster's recommended settings), and one
/// poll loop that deserializes, counts and stores the offset.
/// </summary>
/// <remarks>
/// With <c>envelope</c> (contender a2), the raw producer also writes the toolkit's six CloudEvents headers and the
/// consumer reads the message ID from them: the cost of the envelope on the wire and in Confluent.Kafka, apart from the
/// toolkit's own code. Since issue 12 every ratio is also given against it: the toolkit always writes those headers.
/// </remarks>
internal sealed class RawKafkaContender(bool envelope = false) : Contender
{
    public override string Key => envelope ? "a2-raw-headers" : "a-raw";

    public override string Description => envelope
        ? "raw Confluent.Kafka + the six CloudEvents headers (the reference)"
        : "raw Confluent.Kafka, byte[] + System.Text.Json source-gen";

    public override async Task<RunResult> RunAsync(RunSettings settings, int round)
    {
        await using var kafka = await StartKafkaAsync(settings).ConfigureAwait(false);
        using var producer = new RawProducer(kafka, envelope);
        var sink = new LatencySink();
        using var consumer = new RawConsumer(kafka, sink, envelope);

        sink.Reset(settings.WarmUp);
        await producer.PublishAsync(settings.WarmUp, settings.Window).ConfigureAwait(false);
        if (!await WaitAsync(sink, settings.Timeout).ConfigureAwait(false))
        {
            throw new TimeoutException("raw: the warm-up messages were not consumed.");
        }

        sink.Reset(settings.Messages);
        var started = Stopwatch.GetTimestamp();
        await (settings.PacedRate is { } rate
            ? producer.PublishPacedAsync(settings.Messages, rate)
            : producer.PublishAsync(settings.Messages, settings.Window)).ConfigureAwait(false);
        var published = Stopwatch.GetTimestamp();
        var completed = await WaitAsync(sink, settings.Timeout).ConfigureAwait(false);
        return Result(Key, round, settings, sink, started, published, completed);
    }

    public override async Task<AllocationResult?> MeasureAllocationsAsync(RunSettings settings)
    {
        await using var kafka = await StartKafkaAsync(settings).ConfigureAwait(false);
        using var producer = new RawProducer(kafka, envelope);
        await producer.PublishAsync(settings.WarmUp, settings.Window).ConfigureAwait(false);

        var publishStarted = Stopwatch.GetTimestamp();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        await producer.PublishAsync(settings.Messages, settings.Window).ConfigureAwait(false);
        var publish = GC.GetTotalAllocatedBytes(precise: true) - before;
        var publishSeconds = Stopwatch.GetElapsedTime(publishStarted).TotalSeconds;

        var sink = new LatencySink();
        var total = settings.WarmUp + settings.Messages;
        sink.Reset(total);
        var consumeStarted = Stopwatch.GetTimestamp();
        GcReasons.PrintPhase(Key + " publish phase");
            var consumeCost = ProcessCost.Start();
        before = GC.GetTotalAllocatedBytes(precise: true);
        using (new RawConsumer(kafka, sink, envelope))
        {
            if (!await WaitAsync(sink, settings.Timeout).ConfigureAwait(false))
            {
                throw new TimeoutException("raw: not every message was consumed.");
            }

            var consume = GC.GetTotalAllocatedBytes(precise: true) - before;
            return new AllocationResult(
                Key, settings.Messages, (double)publish / settings.Messages, (double)consume / total,
                publishSeconds, Stopwatch.GetElapsedTime(consumeStarted, sink.LastHandledAt).TotalSeconds)
            {
                ConsumeCost = consumeCost.Describe(total),
            };
        }
    }

    private sealed class RawProducer : IDisposable
    {
        private readonly IProducer<byte[]?, byte[]> producer;
        private readonly Action<DeliveryReport<byte[]?, byte[]>> onDelivered;
        private TaskCompletionSource windowDone = new();
        private int pending;
        private long sequence;
        private int failures;

        private static readonly byte[] SpecVersion = "1.0"u8.ToArray();
        private static readonly byte[] MessageType = "BenchOrderPlaced"u8.ToArray();
        private static readonly byte[] Source = "bench"u8.ToArray();
        private static readonly byte[] ContentType = "application/json"u8.ToArray();
        private readonly bool envelope;

        public RawProducer(EmbeddedKafka kafka, bool envelope)
        {
            this.envelope = envelope;
            // The toolkit producer's settings (KafkaProducerConnection), for the same delivery guarantees.
            var config = new ProducerConfig
            {
                BootstrapServers = kafka.BootstrapServers,
                ClientId = "bench-raw",
                EnableIdempotence = true,
                Acks = Acks.All,
                LingerMs = 5,
                MessageTimeoutMs = 30_000,
                RequestTimeoutMs = 30_000,
                DeliveryReportFields = "key,value,timestamp,status",
            };
            producer = new ProducerBuilder<byte[]?, byte[]>(config).Build();
            onDelivered = report =>
            {
                if (report.Error.IsError)
                {
                    Interlocked.Increment(ref failures);
                }

                if (Interlocked.Decrement(ref pending) == 0)
                {
                    windowDone.TrySetResult();
                }
            };
        }

        /// <summary>Produces <paramref name="count"/> messages, <paramref name="window"/> in flight at a time, and waits for their delivery reports.</summary>
        public async Task PublishAsync(int count, int window)
        {
            for (var sent = 0; sent < count;)
            {
                var batch = Math.Min(window, count - sent);
                windowDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Volatile.Write(ref pending, batch);
                for (var i = 0; i < batch; i++)
                {
                    ProduceOne();
                }

                await windowDone.Task.ConfigureAwait(false);
                sent += batch;
            }

            ThrowIfAnyFailed();
        }

        /// <summary>Produces <paramref name="count"/> messages at <paramref name="rate"/> per second, then waits for their delivery reports.</summary>
        public async Task PublishPacedAsync(int count, double rate)
        {
            windowDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref pending, count);
            await Pacing.RunAsync(count, rate, _ => ProduceOne()).ConfigureAwait(false);
            await windowDone.Task.ConfigureAwait(false);
            ThrowIfAnyFailed();
        }

        private void ProduceOne()
        {
            var message = BenchOrderPlaced.Create(sequence++);
            producer.Produce(BenchTopics.Orders, new Message<byte[]?, byte[]>
            {
                Key = Encoding.UTF8.GetBytes(message.OrderId.ToString("D")),
                Value = JsonSerializer.SerializeToUtf8Bytes(message, BenchJsonContext.Default.BenchOrderPlaced),
                Headers = envelope ? Envelope() : null,
            }, onDelivered);
        }

        private void ThrowIfAnyFailed()
        {
            if (Volatile.Read(ref failures) > 0)
            {
                throw new InvalidOperationException($"raw: {failures} message(s) were not delivered.");
            }
        }

        private static Headers Envelope() => new()
        {
            { "ce_specversion", SpecVersion },
            { "ce_id", Encoding.UTF8.GetBytes(Guid.CreateVersion7().ToString("D")) },
            { "ce_type", MessageType },
            { "ce_source", Source },
            { "ce_time", Encoding.UTF8.GetBytes(DateTime.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture)) },
            { "content-type", ContentType },
        };

        public void Dispose()
        {
            producer.Flush(TimeSpan.FromSeconds(10));
            producer.Dispose();
        }
    }

    private sealed class RawConsumer : IDisposable
    {
        private readonly Thread thread;
        private readonly EmbeddedKafka kafka;
        private readonly LatencySink sink;
        private readonly bool envelope;
        private volatile bool stopping;

        public RawConsumer(EmbeddedKafka kafka, LatencySink sink, bool envelope)
        {
            this.envelope = envelope;
            this.kafka = kafka;
            this.sink = sink;
            thread = new Thread(Run) { IsBackground = true, Name = "raw consumer" };
            thread.Start();
        }

        public void Dispose()
        {
            stopping = true;
            thread.Join();
        }

        private void Run()
        {
            // The toolkit consumer's settings (MessageConsumerService), plus the embedded cluster's recommended ones.
            var config = new ConsumerConfig
            {
                BootstrapServers = kafka.BootstrapServers,
                GroupId = "bench-raw-" + Guid.NewGuid().ToString("N"),
                ClientId = "bench-raw",
                EnableAutoCommit = true,
                EnableAutoOffsetStore = false,
                AutoOffsetReset = AutoOffsetReset.Earliest,
            };
            foreach (var setting in kafka.RecommendedClientSettings)
            {
                config.Set(setting.Key, setting.Value);
            }

            using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
            consumer.Subscribe(BenchTopics.Orders);
            try
            {
                while (!stopping)
                {
                    var record = consumer.Consume(TimeSpan.FromMilliseconds(100));
                    if (record is null || record.IsPartitionEOF)
                    {
                        continue;
                    }

                    if (envelope && (!record.Message.Headers.TryGetLastBytes("ce_id", out var id) || Encoding.UTF8.GetString(id).Length == 0))
                    {
                        throw new InvalidOperationException("raw: a record without ce_id.");
                    }

                    var message = JsonSerializer.Deserialize(record.Message.Value, BenchJsonContext.Default.BenchOrderPlaced)!;
                    sink.Record(message.SentAt);
                    consumer.StoreOffset(record);
                }
            }
            finally
            {
                consumer.Close();
            }
        }
    }
}

/// <summary>
/// (b), (c), (d): the generated typed producer (<see cref="IEventPublisher{TEvent}"/>) and consumer (an
/// <see cref="IMessageHandler{TMessage}"/>) in a host built with <c>AddMessageContracts</c>. (c) is the toolkit's true
/// defaults: no store is set, so the container's default SQLite store at
/// <see cref="SqliteDeduplicationStore.DefaultPath"/> of the default consumer group is what runs (its file is deleted
/// before and after each run); (b) and (d) set a store through the public options.
/// </summary>
/// <param name="createStore">The store to set, or null for the defaults.</param>
internal sealed class ToolkitContender(string key, string description, Func<Task<IDeduplicationStore>>? createStore, string? skipReason = null) : Contender
{
    public override string Key => key;

    public override string Description => description;

    public override string? SkipReason => skipReason;

    public override async Task<RunResult> RunAsync(RunSettings settings, int round)
    {
        await using var kafka = await StartKafkaAsync(settings).ConfigureAwait(false);
        var store = createStore is null ? null : await createStore().ConfigureAwait(false);
        var sink = new LatencySink();
        var host = BuildHost(kafka, store, sink);
        try
        {
            return await MeasureStartedAsync(Key, round, settings, host, sink).ConfigureAwait(false);
        }
        finally
        {
            await DisposeAsync(host, store).ConfigureAwait(false);
        }
    }

    public override async Task<AllocationResult?> MeasureAllocationsAsync(RunSettings settings)
    {
        await using var kafka = await StartKafkaAsync(settings).ConfigureAwait(false);
        var store = createStore is null ? null : await createStore().ConfigureAwait(false);
        var sink = new LatencySink();
        var host = BuildHost(kafka, store, sink);
        try
        {
            return await MeasureAllocationsStartedAsync(Key, settings, host, sink).ConfigureAwait(false);
        }
        finally
        {
            await DisposeAsync(host, store).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The allocation run of a toolkit contender whose host is built and not started: the publish phase alone (the
    /// publisher works before the host starts; the consumer, a hosted service, starts with the host), then the consume
    /// phase. Shared by the Kafka, RabbitMQ and Redis toolkit contenders.
    /// </summary>
    internal static async Task<AllocationResult> MeasureAllocationsStartedAsync(string key, RunSettings settings, IHost host, LatencySink sink)
    {
        var publisher = host.Services.GetRequiredService<IEventPublisher<BenchOrderPlaced>>();
        await PublishAsync(publisher, settings.WarmUp, settings.Window).ConfigureAwait(false);

        var publishStarted = Stopwatch.GetTimestamp();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        await PublishAsync(publisher, settings.Messages, settings.Window).ConfigureAwait(false);
        var publish = GC.GetTotalAllocatedBytes(precise: true) - before;
        var publishSeconds = Stopwatch.GetElapsedTime(publishStarted).TotalSeconds;

        var total = settings.WarmUp + settings.Messages;
        sink.Reset(total);
        var consumeStarted = Stopwatch.GetTimestamp();
        GcReasons.PrintPhase(key + " publish phase");
        var consumeCost = ProcessCost.Start();
        before = GC.GetTotalAllocatedBytes(precise: true);
        await host.StartAsync().ConfigureAwait(false);
        if (!await WaitAsync(sink, settings.Timeout).ConfigureAwait(false))
        {
            throw new TimeoutException($"{key}: not every message was handled.");
        }

        var consume = GC.GetTotalAllocatedBytes(precise: true) - before;
        await host.StopAsync().ConfigureAwait(false);
        return new AllocationResult(
            key, settings.Messages, (double)publish / settings.Messages, (double)consume / total,
            publishSeconds, Stopwatch.GetElapsedTime(consumeStarted, sink.LastHandledAt).TotalSeconds)
        {
            ConsumeCost = consumeCost.Describe(total),
        };
    }

    /// <summary>
    /// Starts <paramref name="host"/>, publishes and awaits the warm-up, then publishes the measured messages (paced or
    /// with a window of calls outstanding) and waits until they are handled: the measured part of every toolkit
    /// contender, whatever its transport. The caller disposes the host.
    /// </summary>
    internal static async Task<RunResult> MeasureStartedAsync(string key, int round, RunSettings settings, IHost host, LatencySink sink)
    {
        await host.StartAsync().ConfigureAwait(false);
        var publisher = host.Services.GetRequiredService<IEventPublisher<BenchOrderPlaced>>();

        sink.Reset(settings.WarmUp);
        await PublishAsync(publisher, settings.WarmUp, settings.Window).ConfigureAwait(false);
        if (!await WaitAsync(sink, settings.Timeout).ConfigureAwait(false))
        {
            throw new TimeoutException($"{key}: the warm-up messages were not handled.");
        }

        sink.Reset(settings.Messages);
        var started = Stopwatch.GetTimestamp();
        await (settings.PacedRate is { } rate
            ? PublishPacedAsync(publisher, settings.Messages, rate)
            : PublishAsync(publisher, settings.Messages, settings.Window)).ConfigureAwait(false);
        var published = Stopwatch.GetTimestamp();
        var completed = await WaitAsync(sink, settings.Timeout).ConfigureAwait(false);
        var result = Result(key, round, settings, sink, started, published, completed);
        await host.StopAsync().ConfigureAwait(false);
        return result;
    }

    /// <summary>Publishes <paramref name="count"/> messages: <paramref name="window"/> PublishAsync calls in flight, then awaits them all.</summary>
    internal static async Task PublishAsync(IEventPublisher<BenchOrderPlaced> publisher, int count, int window)
    {
        var tasks = new Task[Math.Min(window, count)];
        long sequence = 0;
        for (var sent = 0; sent < count;)
        {
            var batch = Math.Min(window, count - sent);
            for (var i = 0; i < batch; i++)
            {
                tasks[i] = publisher.PublishAsync(BenchOrderPlaced.Create(sequence++));
            }

            await Task.WhenAll(tasks.AsSpan(0, batch)).ConfigureAwait(false);
            sent += batch;
        }
    }

    /// <summary>Publishes <paramref name="count"/> messages at <paramref name="rate"/> per second without waiting for each, then awaits them all.</summary>
    internal static async Task PublishPacedAsync(IEventPublisher<BenchOrderPlaced> publisher, int count, double rate)
    {
        var tasks = new Task[count];
        await Pacing.RunAsync(count, rate, sequence => tasks[sequence] = publisher.PublishAsync(BenchOrderPlaced.Create(sequence))).ConfigureAwait(false);
        await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    /// <summary>
    /// A host with the benchmark handler. With a <paramref name="store"/>, a fresh consumer group and that store; without
    /// one, nothing but the embedded cluster's address (and its recommended consumer settings, which the raw consumer has
    /// too): the defaults a user gets. <paramref name="configure"/> adds to the options (another broker, when
    /// <paramref name="kafka"/> is null).
    /// </summary>
    internal static IHost BuildHost(EmbeddedKafka? kafka, IDeduplicationStore? store, LatencySink sink, Action<MessageContractsOptions>? configure = null)
    {
        var host = new HostBuilder()
            .ConfigureServices(services =>
            {
                services.AddSingleton(sink);
                services.AddMessageContracts(options =>
                {
                    if (kafka is not null)
                    {
                        options.UseEmbeddedKafka(kafka);
                    }

                    if (store is not null)
                    {
                        options.ConsumerGroup = "bench-" + Guid.NewGuid().ToString("N");
                        options.ServiceName = "bench";
                        options.DeduplicationStore = store;
                    }

                    configure?.Invoke(options);
                });
            })
            .Build();
        if (store is null)
        {
            // A leftover of an interrupted run would hold nothing this run's new IDs match, but it is not an empty start.
            Stores.DeleteDatabase(DefaultStorePath(host));
        }

        return host;
    }

    /// <summary>Where the default store of <paramref name="host"/>'s consumer group keeps its file.</summary>
    private static string DefaultStorePath(IHost host) =>
        SqliteDeduplicationStore.DefaultPath(host.Services.GetRequiredService<IOptions<MessageContractsOptions>>().Value.ConsumerGroup);

    /// <summary>Disposes the host (and with it a default store), then <paramref name="store"/>, or the default store's file.</summary>
    internal static async Task DisposeAsync(IHost host, IDeduplicationStore? store)
    {
        var defaultPath = store is null ? DefaultStorePath(host) : null;
        host.Dispose();
        switch (store)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }

        if (defaultPath is not null)
        {
            Stores.DeleteDatabase(defaultPath);
        }
    }
}

/// <summary>Publishing at a fixed rate, for the paced (latency) mode.</summary>
internal static class Pacing
{
    /// <summary>
    /// Calls <paramref name="publish"/> for 0 to <paramref name="count"/> - 1, message i at start + i / <paramref name="rate"/>
    /// seconds; returns once the last one was called. The timer's resolution (about a millisecond) sends them in small
    /// bursts, the same for every contender.
    /// </summary>
    public static async Task RunAsync(int count, double rate, Action<int> publish)
    {
        var started = Stopwatch.GetTimestamp();
        var sent = 0;
        while (sent < count)
        {
            var due = (int)Math.Min(count, (long)(Stopwatch.GetElapsedTime(started).TotalSeconds * rate) + 1);
            for (; sent < due; sent++)
            {
                publish(sent);
            }

            if (sent < count)
            {
                await Task.Delay(1).ConfigureAwait(false);
            }
        }
    }
}

/// <summary>The deduplication stores of the toolkit contenders.</summary>
internal static class Stores
{
    public const string PostgresVariable = "MESSAGECONTRACTS_POSTGRES";
    private const string PostgresTable = "mc_bench_deduplication";

    public static Task<IDeduplicationStore> InMemory() => Task.FromResult<IDeduplicationStore>(new InMemoryDeduplicationStore());

    public static Func<Task<IDeduplicationStore>> PostgreSql(string connectionString) => async () =>
    {
        var store = new PostgreSqlDeduplicationStore(connectionString, tableName: PostgresTable);
        await store.EnsureCreatedAsync().ConfigureAwait(false);

        // An empty table per run (its own table, not the one the tests use).
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var truncate = dataSource.CreateCommand($"TRUNCATE {PostgreSqlDeduplicationStore.DefaultSchema}.{PostgresTable}");
        await truncate.ExecuteNonQueryAsync().ConfigureAwait(false);
        return store;
    };

    /// <summary>Deletes a SQLite database file and its WAL files, after closing the pooled connections that hold them.</summary>
    public static void DeleteDatabase(string path)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(path + suffix);
        }
    }
}
