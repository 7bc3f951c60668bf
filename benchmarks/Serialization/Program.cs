using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using MessageContracts.Benchmarks.Serialization;

// In-process (no separate benchmark project to generate and build: the machine is shared and builds are slow).
// --quick: 3 warm-up and 5 measured iterations per benchmark; otherwise BenchmarkDotNet's defaults.
// Other arguments go to BenchmarkDotNet (e.g. --filter '*Small*').
var quick = args.Contains("--quick");
var job = Job.Default.WithToolchain(InProcessEmitToolchain.Instance);
if (quick)
{
    job = job.WithWarmupCount(3).WithIterationCount(5);
}

var config = DefaultConfig.Instance.AddJob(job.AsDefault()).WithOptions(ConfigOptions.JoinSummary);
BenchmarkSwitcher.FromAssembly(typeof(SerializerBenchmarks).Assembly)
    .Run([.. args.Where(a => a != "--quick"), .. args.Contains("--filter") ? Array.Empty<string>() : ["--filter", "*"]], config);
