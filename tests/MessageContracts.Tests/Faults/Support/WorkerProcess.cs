using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using Xunit.Abstractions;

namespace MessageContracts.Tests.Faults.Support;

/// <summary>
/// A consumer instance in a child process (tests/Fixtures/MessageContracts.Tests.Worker), so a test can kill it for
/// real: no shutdown, no revocation, no commit. Its first <c>handle</c> FaultProbe messages have their effect
/// (appended to <see cref="EffectsPath"/>); every later one hangs in its handler, holding its claim, until the kill.
/// </summary>
public sealed class WorkerProcess : IDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> lines = new();
    private readonly ITestOutputHelper? output;
    private int handledLines;

    private WorkerProcess(Process process, string effectsPath, ITestOutputHelper? output)
    {
        this.process = process;
        EffectsPath = effectsPath;
        this.output = output;
    }

    public string EffectsPath { get; }

    /// <summary>Every line the worker printed so far.</summary>
    public IReadOnlyList<string> Lines => [.. lines];

    public bool HasExited => process.HasExited;

    public static WorkerProcess Start(
        string bootstrapServers,
        string group,
        string deduplicationPath,
        string effectsPath,
        int handle,
        TimeSpan lease,
        IEnumerable<KeyValuePair<string, string>> consumerSettings,
        ITestOutputHelper? output,
        IEnumerable<(string Name, string Value)>? moreArguments = null)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            // Held open and never written: when the test process dies, the worker sees its input end and exits.
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(WorkerPath());
        foreach (var (name, value) in new[]
        {
            ("--bootstrap", bootstrapServers),
            ("--group", group),
            ("--dedup", deduplicationPath),
            ("--effects", effectsPath),
            ("--handle", handle.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("--lease-ms", ((int)lease.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        }.Concat(moreArguments ?? []))
        {
            start.ArgumentList.Add(name);
            start.ArgumentList.Add(value);
        }

        foreach (var (key, value) in consumerSettings)
        {
            start.ArgumentList.Add("--set");
            start.ArgumentList.Add($"{key}={value}");
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var worker = new WorkerProcess(process, effectsPath, output);
        process.OutputDataReceived += (_, e) => worker.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => worker.OnLine(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start the worker: {start.FileName} {string.Join(' ', start.ArgumentList)}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>
    /// Asks the worker for its memory (see the worker's Program.cs): the managed heap after a full compacting collection,
    /// the working set now and at its peak, and the bytes allocated so far.
    /// </summary>
    public async Task<WorkerMemory> MeasureMemoryAsync(TimeSpan timeout)
    {
        var before = lines.Count(l => l.StartsWith("memory ", StringComparison.Ordinal));
        await process.StandardInput.WriteLineAsync("memory");
        await process.StandardInput.FlushAsync();
        await Eventually.UntilAsync(
            () => lines.Count(l => l.StartsWith("memory ", StringComparison.Ordinal)) > before,
            timeout,
            () => "the worker did not report its memory");
        var values = lines.Where(l => l.StartsWith("memory ", StringComparison.Ordinal)).ElementAt(before)
            .Split(' ').Skip(1).Select(v => long.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return new WorkerMemory(values[0], values[1], values[2], values[3]);
    }

    /// <summary>Kills the process at once (SIGKILL): nothing of a graceful shutdown runs.</summary>
    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }

        process.Dispose();
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static string WorkerPath()
    {
        var path = typeof(WorkerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "FaultTestsWorkerPath").Value!;
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"The worker fixture is not built at {path}; build tests/MessageContracts.Tests (it builds the worker).", path);
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lines.Enqueue(line);
        if (line.StartsWith("handled ", StringComparison.Ordinal) && Interlocked.Increment(ref handledLines) > 20)
        {
            // Thousands of these in the hostile-input test: the first few say enough.
            return;
        }

        try
        {
            output?.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} [worker] {line}");
        }
        catch (InvalidOperationException)
        {
            // The test is over; its output is closed.
        }
    }
}

/// <summary>A worker's memory, in bytes: see <see cref="WorkerProcess.MeasureMemoryAsync"/>.</summary>
public sealed record WorkerMemory(long Heap, long WorkingSet, long PeakWorkingSet, long Allocated)
{
    public override string ToString() =>
        $"heap {Heap / 1048576.0:0.0} MiB, working set {WorkingSet / 1048576.0:0.0} MiB (peak {PeakWorkingSet / 1048576.0:0.0} MiB), allocated {Allocated / 1048576.0:0.0} MiB";
}
