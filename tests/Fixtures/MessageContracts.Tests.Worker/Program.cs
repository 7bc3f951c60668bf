using Faults.Contracts;
using MessageContracts;
using MessageContracts.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// One consumer instance of the fault tests, in a process of its own so a test can kill it without any shutdown.
//
//   MessageContracts.Tests.Worker --bootstrap <servers> --group <group> --dedup <sqlite file> --effects <file>
//                                 --handle <count> [--lease-ms <ms>] [--set <librdkafka key>=<value>]...
//                                 [--store sqlite|memory|postgres] [--postgres <connection string> --schema <schema>]
//                                 [--rabbitmq <amqp uri> (instead of --bootstrap)] [--hang-after-marks <count>]
//                                 [--redis <configuration> (instead of --bootstrap) --redis-prefix <key prefix> [--reclaim-ms <ms>]]
//
// It handles FaultProbe messages: the first <count> have their effect (their message ID appended, flushed, to the
// effects file) and print "handled <id> <partition> <offset>"; every later one prints "blocked <id> <partition>
// <offset>" and hangs in its handler (holding its dedup claim, with no effect) until the process is killed. So a
// test knows exactly what was done when it kills the process. It prints "started" once its host is running, and
// exits by itself when its standard input closes (the test process that started it has gone). A line "memory" on its
// standard input makes it collect garbage and print "memory <heap> <working set> <peak working set> <allocated>" (bytes:
// the managed heap after a full, compacting collection; the process's resident memory now and at its highest; every byte
// allocated so far), so a test can measure the consumer alone, apart from the test process.
// With --hang-after-marks, once the store has durably marked that many messages processed, the mark call that reached
// the count prints "hanging after marks <id>..." and never returns: those messages are marked and never acknowledged
// (on RabbitMQ, never acked), the window a kill between the mark and the ack leaves.
// With --redis it reads Redis Streams under the key prefix (its entries stay pending under its consumer name when it is
// killed), taking over other consumers' entries idle for --reclaim-ms; --store redis keeps its deduplication there too,
// under <key prefix>dedup:.
var arguments = WorkerArguments.Parse(args);

var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Logging.AddFilter("MessageContracts", LogLevel.Information);
builder.Services.AddSingleton(arguments);
builder.Services.AddSingleton<WorkerEffects>();
builder.Services.AddMessageContracts(options =>
{
    if (arguments.RabbitMqUri is { } rabbitMq)
    {
        options.UseRabbitMq(rabbitMq);
    }
    else if (arguments.Redis is { } redis)
    {
        options.UseRedis(redis, transport =>
        {
            transport.KeyPrefix = arguments.RedisPrefix;
            transport.ReclaimMinIdleTime = arguments.ReclaimMinIdleTime;
            transport.ReclaimInterval = TimeSpan.FromMilliseconds(100);
            transport.MaxPollDelay = TimeSpan.FromMilliseconds(200);
        });
    }
    else
    {
        options.BootstrapServers = arguments.BootstrapServers;
    }

    options.ConsumerGroup = arguments.Group;
    options.ServiceName = "fault-tests-worker";
    IDeduplicationStore store = arguments.Store switch
    {
        "memory" => new InMemoryDeduplicationStore(),
        "postgres" => new MessageContracts.PostgreSql.PostgreSqlDeduplicationStore(arguments.PostgresConnectionString!, arguments.PostgresSchema),
        "redis" => new RedisDeduplicationStore(arguments.Redis!, new RedisDeduplicationStoreOptions { KeyPrefix = arguments.RedisPrefix + "dedup:" }),
        _ => new SqliteDeduplicationStore($"Data Source={arguments.DedupPath}"),
    };
    options.DeduplicationStore = arguments.HangAfterMarks is { } marks ? new HangAfterMarksStore(store, marks) : store;
    options.DeduplicationLease = arguments.Lease;

    // The embedded Kafka lives in the test process: this process reaches it as any client would, and the mock cluster
    // cannot create topics through the admin API. The tests create the topics beforehand.
    options.TopicProvisioning.Enabled = false;

    // The handler never fails: a failure would be a bug of the test, not something to retry.
    options.Retry.MaxAttempts = 1;
    foreach (var (key, value) in arguments.ConsumerSettings)
    {
        options.ConsumerSettings[key] = value;
    }
});

using var host = builder.Build();
await host.StartAsync();
Console.WriteLine("started");

// The test holds the other end of standard input and never writes to it: end of input means the test process is
// gone, and a worker hanging in its handlers must not outlive it.
_ = Task.Run(async () =>
{
    while (await Console.In.ReadLineAsync() is { } command)
    {
        if (command == "memory")
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            using var process = System.Diagnostics.Process.GetCurrentProcess();
            process.Refresh();
            Console.WriteLine($"memory {GC.GetTotalMemory(forceFullCollection: false)} {process.WorkingSet64} {process.PeakWorkingSet64} {GC.GetTotalAllocatedBytes()}");
        }
    }

    Environment.Exit(3);
});

await host.WaitForShutdownAsync();
return 0;

internal sealed record WorkerArguments(
    string BootstrapServers,
    string Group,
    string DedupPath,
    string EffectsPath,
    int HandleCount,
    TimeSpan Lease,
    IReadOnlyList<KeyValuePair<string, string>> ConsumerSettings,
    string Store,
    string? PostgresConnectionString,
    string? PostgresSchema,
    string? RabbitMqUri = null,
    int? HangAfterMarks = null,
    string? Redis = null,
    string RedisPrefix = "",
    TimeSpan ReclaimMinIdleTime = default)
{
    public static WorkerArguments Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var settings = new List<KeyValuePair<string, string>>();
        for (var i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"'{args[i]}' has no value.");
            }

            if (args[i] == "--set")
            {
                var pair = args[i + 1].Split('=', 2);
                settings.Add(new(pair[0], pair[1]));
            }
            else
            {
                values[args[i]] = args[i + 1];
            }
        }

        string Required(string name) =>
            values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"{name} is required.");

        var store = values.GetValueOrDefault("--store", "sqlite");
        var rabbitMq = values.GetValueOrDefault("--rabbitmq");
        var redis = values.GetValueOrDefault("--redis");
        return new WorkerArguments(
            rabbitMq is null && redis is null ? Required("--bootstrap") : "",
            Required("--group"),
            store == "sqlite" ? Required("--dedup") : values.GetValueOrDefault("--dedup", ""),
            Required("--effects"),
            int.Parse(Required("--handle"), System.Globalization.CultureInfo.InvariantCulture),
            TimeSpan.FromMilliseconds(values.TryGetValue("--lease-ms", out var lease) ? int.Parse(lease, System.Globalization.CultureInfo.InvariantCulture) : 2000),
            settings,
            store,
            store == "postgres" ? Required("--postgres") : null,
            values.GetValueOrDefault("--schema"),
            rabbitMq,
            values.TryGetValue("--hang-after-marks", out var marks) ? int.Parse(marks, System.Globalization.CultureInfo.InvariantCulture) : null,
            redis,
            redis is null ? "" : Required("--redis-prefix"),
            TimeSpan.FromMilliseconds(values.TryGetValue("--reclaim-ms", out var reclaim) ? int.Parse(reclaim, System.Globalization.CultureInfo.InvariantCulture) : 300_000));
    }
}

/// <summary>Counts handler runs and writes the effects of the first <see cref="WorkerArguments.HandleCount"/>.</summary>
internal sealed class WorkerEffects(WorkerArguments arguments)
{
    private readonly object gate = new();
    private int started;

    /// <summary>True when this run may have its effect (it is one of the first HandleCount); false when it must hang.</summary>
    public bool TryStart() => Interlocked.Increment(ref started) <= arguments.HandleCount;

    public void Record(MessageContext context)
    {
        lock (gate)
        {
            // Opened, appended and closed each time: the effect is on disk before the handler returns.
            File.AppendAllText(arguments.EffectsPath, context.MessageId + Environment.NewLine);
        }
    }
}

[Idempotent]
internal sealed class FaultProbeWorkerHandler(WorkerEffects effects) : IMessageHandler<FaultProbe>
{
    public async Task HandleAsync(FaultProbe message, MessageContext context, CancellationToken cancellationToken)
    {
        if (!effects.TryStart())
        {
            Console.WriteLine($"blocked {context.MessageId} {context.Partition} {context.Offset}");
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            return;
        }

        effects.Record(context);
        Console.WriteLine($"handled {context.MessageId} {context.Partition} {context.Offset}");
    }
}

/// <summary>
/// The store, until <c>count</c> messages are marked processed: the mark call that reaches the count completes its
/// write, prints "hanging after marks" with the IDs it marked, and never returns, so they are never acknowledged.
/// </summary>
internal sealed class HangAfterMarksStore(IDeduplicationStore inner, int count) : IDeduplicationStore
{
    private int marked;

    public Task<IReadOnlyList<DeduplicationClaim>> TryClaimAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, TimeSpan lease, CancellationToken cancellationToken) =>
        inner.TryClaimAsync(consumerGroup, messageIds, owner, lease, cancellationToken);

    public Task<IReadOnlyList<bool>> RenewAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, TimeSpan lease, CancellationToken cancellationToken) =>
        inner.RenewAsync(consumerGroup, messageIds, owner, lease, cancellationToken);

    public async Task<IReadOnlyList<bool>> MarkProcessedAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, CancellationToken cancellationToken)
    {
        var results = await inner.MarkProcessedAsync(consumerGroup, messageIds, owner, cancellationToken);
        if (Interlocked.Add(ref marked, messageIds.Count) >= count)
        {
            Console.WriteLine("hanging after marks " + string.Join(' ', messageIds));
            await Task.Delay(Timeout.InfiniteTimeSpan, CancellationToken.None);
        }

        return results;
    }

    public Task ReleaseAsync(string consumerGroup, IReadOnlyList<string> messageIds, Guid owner, CancellationToken cancellationToken) =>
        inner.ReleaseAsync(consumerGroup, messageIds, owner, cancellationToken);

    public Task<int> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken) => inner.PurgeAsync(olderThan, cancellationToken);
}
