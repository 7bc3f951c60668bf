using System.Globalization;
using System.Runtime.InteropServices;

namespace MessageContracts.Benchmarks.Headers;

/// <summary>Where CPU time went: a thread role (from the OS thread name) and its nanoseconds.</summary>
internal enum CpuRole
{
    /// <summary>The benchmark's own thread that calls <c>Produce</c> (named <see cref="ThreadCpu.ProduceThread"/>).</summary>
    ProduceCall,

    /// <summary>The benchmark's own thread that calls <c>Consume</c> (named <see cref="ThreadCpu.ConsumeThread"/>).</summary>
    ConsumeCall,

    /// <summary>librdkafka's client threads (rdk:main, rdk:broker*) of the producer or the consumer.</summary>
    ClientNative,

    /// <summary>The mock cluster's thread: the broker.</summary>
    Broker,

    /// <summary>The runtime's tiered-compilation thread (re-JIT with PGO): not per-message work, left out of the totals.</summary>
    Jit,

    /// <summary>Everything else: Confluent's delivery-report poll thread, GC, JIT, threads that ended during the phase.</summary>
    Other,
}

/// <summary>
/// CPU time of every thread of this process, read from the kernel's per-thread scheduler clocks (nanoseconds, unlike
/// the 10 ms ticks of /proc/.../stat), so a phase's CPU can be split by thread role. The process total (which keeps the
/// time of threads that ended) is read too; what no live thread accounts for goes to <see cref="CpuRole.Other"/>.
/// </summary>
internal sealed class ThreadCpu
{
    public const string ProduceThread = "hdr-produce";
    public const string ConsumeThread = "hdr-consume";

    private const int ProcessCpuClock = 2; // CLOCK_PROCESS_CPUTIME_ID

    private readonly Dictionary<int, (string Name, long Nanoseconds)> threads;
    private readonly long process;

    private ThreadCpu(Dictionary<int, (string, long)> threads, long process)
    {
        this.threads = threads;
        this.process = process;
    }

    public static ThreadCpu Take()
    {
        var threads = new Dictionary<int, (string, long)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc/self/task"))
        {
            var tid = int.Parse(Path.GetFileName(directory), CultureInfo.InvariantCulture);
            try
            {
                var name = File.ReadAllText(Path.Combine(directory, "comm")).TrimEnd('\n');
                if (ThreadNanoseconds(tid) is { } nanoseconds)
                {
                    threads[tid] = (name, nanoseconds);
                }
            }
            catch (IOException)
            {
                // The thread ended while being read: its time is in the process total, counted as Other.
            }
        }

        return new ThreadCpu(threads, Nanoseconds(ProcessCpuClock) ?? 0);
    }

    /// <summary>CPU nanoseconds between <paramref name="before"/> and <paramref name="after"/>, by role; total under <see cref="Total"/>.</summary>
    public static Dictionary<CpuRole, long> Between(ThreadCpu before, ThreadCpu after, out long total)
    {
        var roles = Enum.GetValues<CpuRole>().ToDictionary(role => role, _ => 0L);
        long attributed = 0;
        foreach (var (tid, (name, nanoseconds)) in after.threads)
        {
            var delta = nanoseconds - (before.threads.TryGetValue(tid, out var earlier) && earlier.Name == name ? earlier.Nanoseconds : 0);
            roles[RoleOf(name)] += delta;
            attributed += delta;
        }

        total = after.process - before.process;
        roles[CpuRole.Other] += Math.Max(0, total - attributed);
        return roles;
    }

    /// <summary>CPU milliseconds between two snapshots by thread name, for checking the role mapping (--threads).</summary>
    public static string ByName(ThreadCpu before, ThreadCpu after) => string.Join(", ", after.threads
        .Select(t => (t.Value.Name, Delta: t.Value.Nanoseconds - (before.threads.TryGetValue(t.Key, out var earlier) && earlier.Name == t.Value.Name ? earlier.Nanoseconds : 0)))
        .GroupBy(t => t.Name, t => t.Delta)
        .Select(g => (Name: g.Key, Milliseconds: g.Sum() / 1e6))
        .Where(t => t.Milliseconds >= 1)
        .OrderByDescending(t => t.Milliseconds)
        .Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Name}={t.Milliseconds:F0}ms ({RoleOf(t.Name)})")))
        + string.Create(CultureInfo.InvariantCulture, $"; process {(after.process - before.process) / 1e6:F0}ms");

    public static CpuRole RoleOf(string name) => name switch
    {
        ProduceThread => CpuRole.ProduceCall,
        ConsumeThread => CpuRole.ConsumeCall,
        ".NET Tiered Com" => CpuRole.Jit,
        _ when name.StartsWith("rdk:mock", StringComparison.Ordinal) => CpuRole.Broker,
        _ when name.StartsWith("rdk:", StringComparison.Ordinal) => CpuRole.ClientNative,
        _ => CpuRole.Other,
    };

    // The kernel's per-thread CPU clock of any thread of this process: MAKE_THREAD_CPUCLOCK(tid, CPUCLOCK_SCHED).
    private static long? ThreadNanoseconds(int tid) => Nanoseconds((~tid << 3) | 4 | 2);

    private static long? Nanoseconds(int clock) =>
        clock_gettime(clock, out var time) == 0 ? (time.Seconds * 1_000_000_000L) + time.Nanoseconds : null;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int clock_gettime(int clockId, out TimeSpec time);
}
