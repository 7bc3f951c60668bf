// End-to-end benchmark on the embedded Kafka (issues 7 and 12): publish-to-handle throughput and latency, and bytes
// allocated per message, for raw Confluent.Kafka against the generated typed producer and consumer with each
// deduplication store. One process; the contenders run one after another in each round, in an order that rotates
// from round to round, and every figure is reported as a ratio to (a) raw and to (a2) raw + the same six CloudEvents
// headers, of the same round.
//
//   dotnet EndToEnd.dll                     100,000 messages, 3 rounds, then the allocation run
//   dotnet EndToEnd.dll --quick             10,000 messages, 1 round, allocations on 10,000 (under a minute)
//   dotnet EndToEnd.dll --paced 2000        latency at a fixed rate: the measured messages are published at 2,000 msg/s
//                                           (default 10 s of them: --messages RATE*10), p50/p99 against raw; no
//                                           allocation run; the outbox contender is left out
//   options: --messages N  --rounds N  --window N (publishes in flight, default 5,000)  --partitions N (default 16)
//            --contenders a-raw,a2-raw-headers,b-inmemory,c-sqlite,d-postgresql,e-outbox,r-rabbitmq-raw,rt-rabbitmq
//                         (prefixes; r and rt need scripts/brokers.sh's MESSAGECONTRACTS_RABBITMQ(_HTTP); rt is reported against r)
//                         x-redis-raw,xt-redis,xm-redis-inmemory,xr-redis-store (need MESSAGECONTRACTS_REDIS; reported against x)
//            --no-alloc  --alloc-messages N  --alloc-rounds N (allocation runs, alternating, medians; default 1)
//            --alloc-only (no throughput rounds)  --timeout SECONDS  --gc-reasons (collections by generation and reason,
//                                           bytes promoted; per phase in the allocation run)
//            --work DIR (the outbox's SQLite files; default the system temp folder; c-sqlite uses the default path)
using System.Diagnostics;
using System.Globalization;
using MessageContracts.Benchmarks.EndToEnd;
using MessageContracts.Redis;

var quick = HasFlag("--quick");
var pacedRate = IntOption("--paced", 0) is var rateOption && rateOption > 0 ? rateOption : (double?)null;
var messages = IntOption("--messages", pacedRate is { } pace ? (int)(pace * 10) : quick ? 10_000 : 100_000);
var rounds = IntOption("--rounds", quick ? 1 : 3);
var window = IntOption("--window", 5_000);
var partitions = IntOption("--partitions", 16);
var allocMessages = IntOption("--alloc-messages", messages);
var allocRounds = IntOption("--alloc-rounds", 1);
var timeout = TimeSpan.FromSeconds(IntOption("--timeout", 600));
var work = Option("--work") ?? Path.Combine(Path.GetTempPath(), "messagecontracts-bench");
var postgres = Environment.GetEnvironmentVariable(Stores.PostgresVariable);

List<Contender> all =
[
    new RawKafkaContender(),
    new RawKafkaContender(envelope: true),
    new ToolkitContender("b-inmemory", "generated producer + consumer, in-memory dedup", Stores.InMemory),
    new ToolkitContender("c-sqlite", "toolkit defaults: only the bootstrap servers set, so SQLite dedup at its default path", createStore: null),
    new ToolkitContender(
        "d-postgresql",
        "generated producer + consumer, PostgreSQL dedup",
        string.IsNullOrEmpty(postgres) ? () => throw new InvalidOperationException() : Stores.PostgreSql(postgres),
        string.IsNullOrEmpty(postgres) ? $"{Stores.PostgresVariable} is not set" : null),
    new OutboxContender(work),
    new RawRabbitMqContender(Environment.GetEnvironmentVariable(RabbitMqBench.Variable)),
    new ToolkitRabbitMqContender(Environment.GetEnvironmentVariable(RabbitMqBench.Variable), Environment.GetEnvironmentVariable(RabbitMqBench.ManagementVariable)),
    new RawRedisContender(Environment.GetEnvironmentVariable(RedisBench.Variable)),
    new ToolkitRedisContender(Environment.GetEnvironmentVariable(RedisBench.Variable)),
    new ToolkitRedisContender(
        Environment.GetEnvironmentVariable(RedisBench.Variable),
        "xm-redis-inmemory",
        "toolkit over Redis Streams, in-memory dedup (what the SQLite store costs)",
        _ => new MessageContracts.InMemoryDeduplicationStore()),
    new ToolkitRedisContender(
        Environment.GetEnvironmentVariable(RedisBench.Variable),
        "xr-redis-store",
        "toolkit over Redis Streams, Redis dedup store on the same server (Redis and no database)",
        prefix => new RedisDeduplicationStore(Environment.GetEnvironmentVariable(RedisBench.Variable)!, new RedisDeduplicationStoreOptions { KeyPrefix = prefix })),
];
var wanted = Option("--contenders")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
var contenders = all.Where(c => wanted is null || wanted.Any(w => c.Key == w || c.Key.StartsWith(w + "-", StringComparison.Ordinal))).ToList();
foreach (var skipped in contenders.Where(c => c.SkipReason is not null))
{
    Console.WriteLine($"SKIPPED {skipped.Key} ({skipped.Description}): {skipped.SkipReason}");
}

if (pacedRate is not null)
{
    foreach (var unpaced in contenders.Where(c => !c.CanBePaced))
    {
        Console.WriteLine($"SKIPPED {unpaced.Key} ({unpaced.Description}): not in the paced mode");
    }
}

var running = contenders.Where(c => c.SkipReason is null && (pacedRate is null || c.CanBePaced)).ToList();
if (running.Count == 0)
{
    Console.WriteLine("Nothing to run: every contender asked for is skipped.");
    return 0;
}

var settings = new RunSettings(messages, WarmUp: Math.Max(500, Math.Min(5_000, messages / 10)), window, partitions, timeout, pacedRate);
Console.WriteLine($"messages {messages:N0} (+{settings.WarmUp:N0} warm-up), rounds {rounds}, " +
                  (pacedRate is { } paced ? $"PACED at {paced:N0} msg/s, " : $"window {window:N0}, ") + $"partitions {partitions}, " +
                  $"payload {PayloadBytes()} B, nproc {Environment.ProcessorCount}, .NET {Environment.Version}, load {LoadAverage()}");
var total = Stopwatch.StartNew();
using var gcReasons = HasFlag("--gc-reasons") ? new GcReasons() : null;
gcReasons?.Start();
var alloconly = HasFlag("--alloc-only");
if (!quick && !alloconly && !HasFlag("--no-warmup-round"))
{
    // One discarded run of the fast contenders first: otherwise round 1's first contender also pays for the process's
    // JIT and thread-pool warm-up (the raw contender measured 85k msg/s there and 240-250k in later rounds).
    foreach (var contender in running.Where(c => c.Key is "a-raw" or "a2-raw-headers" or "b-inmemory"))
    {
        var warm = await contender.RunAsync(settings with { Messages = Math.Min(messages, 20_000), PacedRate = null }, round: 0);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  warm-up  {contender.Key,-13} {warm.MessagesPerSecond,10:N0} msg/s (discarded)"));
    }
}

var results = new List<RunResult>();
for (var round = 1; round <= (alloconly ? 0 : rounds); round++)
{
    // Rotate the order so no contender always runs first (cold) or last.
    var offset = (round - 1) % running.Count;
    var order = running.Skip(offset).Concat(running.Take(offset)).ToList();
    foreach (var contender in order)
    {
        var cost = ProcessCost.Start();
        var result = await contender.RunAsync(settings, round);
        results.Add(result);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  round {round}  {contender.Key,-13} {result.MessagesPerSecond,10:N0} msg/s  p50 {result.P50Ms,8:N1} ms  p99 {result.P99Ms,8:N1} ms  " +
            $"({result.Seconds:N2} s, publish {result.PublishSeconds:N2} s{(result.Completed ? "" : $", INCOMPLETE: {result.Handled:N0} handled")})  " +
            $"{cost.Describe(settings.WarmUp + settings.Messages)}  load {LoadAverage()}"));
        if (gcReasons is not null)
        {
            Console.WriteLine("    " + gcReasons.TakeSummary());
        }
    }
}

var allocations = new List<AllocationResult>();
if (!HasFlag("--no-alloc") && pacedRate is null)
{
    var allocSettings = settings with { Messages = allocMessages };
    for (var round = 1; round <= allocRounds; round++)
    {
        var offset = (round - 1) % running.Count;
        foreach (var contender in running.Skip(offset).Concat(running.Take(offset)))
        {
            var cost = ProcessCost.Start();
            if (await contender.MeasureAllocationsAsync(allocSettings) is { } allocation)
            {
                allocations.Add(allocation with { Round = round });
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  alloc {round}  {allocation.Contender,-13} publish {allocation.PublishBytesPerMessage,8:N0} B/msg  consume {allocation.ConsumeBytesPerMessage,8:N0} B/msg  " +
                    $"(alone: publish {allocation.PublishMessagesPerSecond:N0} msg/s, consume {(allocation.Messages + settings.WarmUp) / allocation.ConsumeSeconds:N0} msg/s incl. start)  " +
                    $"whole run {cost.Describe(settings.WarmUp + 2 * allocation.Messages)}; consume {allocation.ConsumeCost}  load {LoadAverage()}"));
                if (gcReasons is not null)
                {
                    Console.WriteLine("    " + gcReasons.TakeSummary());
                }
            }
        }
    }
}

Console.WriteLine();
Console.WriteLine(pacedRate is { } rate ? Summary.PacedMarkdown(running, results, rate) : Summary.Markdown(running, results, allocations));
Console.WriteLine($"total {total.Elapsed.TotalSeconds:N0} s, load {LoadAverage()}");
return results.All(r => r.Completed) ? 0 : 1;

bool HasFlag(string name) => args.Contains(name);

string? Option(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

int IntOption(string name, int fallback) =>
    int.TryParse(Option(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;

static int PayloadBytes() =>
    System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(BenchOrderPlaced.Create(0), BenchJsonContext.Default.BenchOrderPlaced).Length;

static string LoadAverage()
{
    try
    {
        return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
    }
    catch (IOException)
    {
        return "n/a";
    }
}
