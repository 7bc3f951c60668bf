// MessageContracts worker, built to be published as a NativeAOT executable: it starts the embedded Kafka (or uses a
// real cluster), publishes N events, handles them in the same process and exits 0 once every event was handled
// exactly once (1 otherwise). It prints how long the start took and the working set, which docs/benchmarks.md
// compares between the native executable and the JIT build.
//
//   dotnet publish samples/NativeWorker -c Release -r linux-x64 -o out/native-worker
//   out/native-worker/NativeWorker [--messages N] [--bootstrap-servers host:9092]
using System.Diagnostics;
using MessageContracts;
using MessageContracts.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NativeWorker;

// How long the runtime took to reach Main: JIT start-up (loading the runtime, compiling Main's callees) against none.
var mainReached = DateTime.Now - StartTime();
var messageCount = int.TryParse(ArgumentValue(args, "--messages"), out var n) ? Math.Max(1, n) : 100;
var bootstrapServers = ArgumentValue(args, "--bootstrap-servers");
using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));

await using var kafka = bootstrapServers is null ? await EmbeddedKafka.StartAsync(cancellationToken: timeout.Token) : null;
kafka?.CreateTopic("reading-taken", partitions: 2);

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
// This run's mark: on a real cluster the topic keeps earlier runs' readings, which the worker then reads too.
var run = Guid.NewGuid().ToString("N");
builder.Services.AddSingleton(new Readings(run, messageCount));
builder.Services.AddMessageContracts(options =>
{
    options.ConsumerGroup = "native-worker-" + Guid.NewGuid().ToString("N");
    options.DeduplicationStore = new SqliteDeduplicationStore("Data Source=" + Path.Combine(Path.GetTempPath(), options.ConsumerGroup + ".db"));
    if (kafka is not null)
    {
        options.UseEmbeddedKafka(kafka);
    }
    else
    {
        options.BootstrapServers = bootstrapServers!;
    }
});
using var host = builder.Build();
await host.StartAsync(timeout.Token);
var started = DateTime.Now - StartTime();
Console.WriteLine($"MAIN reached in {mainReached.TotalMilliseconds:F0} ms");
Console.WriteLine($"STARTED in {started.TotalMilliseconds:F0} ms (native: {!System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported})");

var publisher = host.Services.GetRequiredService<IEventPublisher<ReadingTaken>>();
for (var i = 0; i < messageCount; i++)
{
    await publisher.PublishAsync(new ReadingTaken($"{run}/sensor-{i % 7}", i, 20.5m + i), cancellationToken: timeout.Token);
}

var readings = host.Services.GetRequiredService<Readings>();
var allHandled = await readings.WaitForAllAsync(timeout.Token);
await host.StopAsync(CancellationToken.None);

Console.WriteLine($"PUBLISHED {messageCount} HANDLED {readings.Handled} DISTINCT {readings.Distinct}");
Console.WriteLine($"WORKING SET {Environment.WorkingSet / (1024 * 1024)} MiB, peak {PeakWorkingSetMiB()} MiB");
if (allHandled && readings.Distinct == messageCount && readings.Handled == messageCount)
{
    Console.WriteLine("OK: every event was handled once.");
    return 0;
}

Console.WriteLine("FAILED: not every event was handled exactly once.");
return 1;

static string? ArgumentValue(string[] args, string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

static DateTime StartTime()
{
    using var process = Process.GetCurrentProcess();
    return process.StartTime;
}

// The kernel's high-water mark of the resident set (VmHWM), which Environment.WorkingSet (the current one) misses.
static long PeakWorkingSetMiB()
{
    using var process = Process.GetCurrentProcess();
    return process.PeakWorkingSet64 / (1024 * 1024);
}
