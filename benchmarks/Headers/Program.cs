// Where the CloudEvents headers' cost goes (issue 12). Raw Confluent.Kafka on the embedded Kafka with the same
// 252-byte payload and (i) no headers, (i') no headers but the
// envelope's ID and time made and dropped, (ii) the toolkit's six binary-mode headers, (iii) one header of the same bytes,
// (iv) structured mode (the envelope in the value, one content-type header). Each run produces everything, then
// consumes everything, and splits each phase's CPU by thread: the thread calling Produce/Consume (Confluent.Kafka's
// managed marshalling, the P/Invokes and our serialization), librdkafka's client threads, the mock broker's thread,
// and the rest. The modes alternate in rounds, in an order that rotates; medians and ratios at the end.
//
//   dotnet Headers.dll [--messages 50000] [--rounds 5] [--window 10000] [--partitions 6] [--modes none,six,...] [--threads]
using System.Globalization;
using MessageContracts.Benchmarks.Headers;

var messages = IntOption("--messages", 50_000);
var rounds = IntOption("--rounds", 5);
var window = IntOption("--window", 10_000);
var partitions = IntOption("--partitions", 6);
var wanted = Option("--modes")?.Split(',', StringSplitOptions.RemoveEmptyEntries);
var modes = Mode.All.Where(m => wanted is null || wanted.Contains(m.Key)).ToList();

var sample = BenchOrderPlaced.Create(1);
Console.WriteLine($"# Headers benchmark: {messages:N0} messages x {rounds} rounds, window {window:N0}, {partitions} partitions, {Environment.ProcessorCount} cores");
Console.WriteLine($"load average at start: {File.ReadAllText("/proc/loadavg").Trim()}");
Console.WriteLine();
Console.WriteLine("| mode | what | header bytes (keys + values) | value bytes |");
Console.WriteLine("| --- | --- | ---: | ---: |");
foreach (var mode in modes)
{
    var (headerBytes, valueBytes) = mode.Sizes(sample);
    Console.WriteLine($"| {mode.Key} | {mode.Description} | {headerBytes} | {valueBytes} |");
}

Console.WriteLine();

// Warm-up: every mode twice, discarded (JIT, tiering with PGO, the first clusters).
for (var pass = 0; pass < 2; pass++)
{
    foreach (var mode in modes)
    {
        await HeaderRun.RunAsync(mode, 0, Math.Min(messages, 20_000), window, partitions);
    }
}

HeaderRun.ShowThreads = args.Contains("--threads");

var results = new List<RunResult>();
for (var round = 1; round <= rounds; round++)
{
    for (var i = 0; i < modes.Count; i++)
    {
        var mode = modes[(i + round - 1) % modes.Count];
        var result = await HeaderRun.RunAsync(mode, round, messages, window, partitions);
        results.Add(result);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"round {round} {mode.Key,-10} produce {result.Produce.TotalMicrosecondsPerMessage,6:F2} us/msg CPU ({result.Produce.MessagesPerSecond,8:N0} msg/s)  consume {result.Consume.TotalMicrosecondsPerMessage,6:F2} us/msg CPU ({result.Consume.MessagesPerSecond,8:N0} msg/s)"));
    }
}

Console.WriteLine();
Summary.Write(results, modes.Select(m => m.Key).ToList());
return;

string? Option(string name) => Array.IndexOf(args, name) is var at && at >= 0 && at + 1 < args.Length ? args[at + 1] : null;

int IntOption(string name, int fallback) => Option(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
