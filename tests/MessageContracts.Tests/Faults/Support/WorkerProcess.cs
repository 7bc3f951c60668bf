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
        ITestOutputHelper? output)
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
        })
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
