using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using MessageContracts.Benchmarks.Serialization;

// --alternate [--rounds N] [--slice-ms N]: the contenders side by side, alternated over rounds (Alternating.cs).
// Otherwise BenchmarkDotNet, in-process (no separate benchmark project to generate and build: the machine is shared
// and builds are slow); --quick: 3 warm-up and 5 measured iterations per benchmark instead of BenchmarkDotNet's
// defaults. Other arguments go to BenchmarkDotNet (e.g. --filter '*Small*').
if (args.Contains("--alternate"))
{
    Alternating.Run(IntOption("--rounds", 21), TimeSpan.FromMilliseconds(IntOption("--slice-ms", 25)));
    return;
}

var quick = args.Contains("--quick");
var job = Job.Default.WithToolchain(InProcessEmitToolchain.Instance);
if (quick)
{
    job = job.WithWarmupCount(3).WithIterationCount(5);
}

var config = DefaultConfig.Instance.AddJob(job.AsDefault()).WithOptions(ConfigOptions.JoinSummary);
BenchmarkSwitcher.FromAssembly(typeof(SerializerBenchmarks).Assembly)
    .Run([.. args.Where(a => a != "--quick"), .. args.Contains("--filter") ? Array.Empty<string>() : ["--filter", "*"]], config);

int IntOption(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
        ? value
        : fallback;
}
