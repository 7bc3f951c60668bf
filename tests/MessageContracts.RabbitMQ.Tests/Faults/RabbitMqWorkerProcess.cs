using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;

namespace MessageContracts.RabbitMQ.Tests.Faults;

/// <summary>
/// The fault tests' consumer instance (tests/Fixtures/MessageContracts.Tests.Worker) in a child process on RabbitMQ, so a
/// test can kill it for real: no shutdown, no channel close, no ack. It handles FaultProbe as service
/// <see cref="Service"/>; see the worker's Program.cs for its arguments and the lines it prints.
/// </summary>
public sealed class RabbitMqWorkerProcess : IDisposable
{
    /// <summary>The worker's service name (its queue of an event is <c>&lt;topic&gt;.&lt;service&gt;</c>).</summary>
    public const string Service = "fault-tests-worker";

    private readonly Process process;
    private readonly ConcurrentQueue<string> lines = new();

    private RabbitMqWorkerProcess(Process process) => this.process = process;

    /// <summary>Every line the worker printed so far.</summary>
    public IReadOnlyList<string> Lines => [.. lines];

    public static RabbitMqWorkerProcess Start(Uri virtualHost, string deduplicationPath, string effectsPath, int handle, int hangAfterMarks, TimeSpan lease)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet")
        {
            // Held open and never written: when the test process dies, the worker sees its input end and exits.
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(WorkerPath());
        foreach (var argument in new[]
        {
            "--rabbitmq", virtualHost.ToString(),
            "--group", Service,
            "--dedup", deduplicationPath,
            "--effects", effectsPath,
            "--handle", handle.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--hang-after-marks", hangAfterMarks.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--lease-ms", ((int)lease.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var worker = new RabbitMqWorkerProcess(process);
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

    /// <summary>The first line starting with <paramref name="prefix"/>, once printed; fails when the worker exits first or the patience runs out.</summary>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan patience)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (lines.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) is { } line)
            {
                return line;
            }

            if (process.HasExited || clock.Elapsed > patience)
            {
                throw new TimeoutException($"The worker did not print '{prefix}' ({(process.HasExited ? "it exited" : $"within {patience.TotalSeconds:0} s")}); it printed:\n{string.Join('\n', lines)}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }
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

    private void OnLine(string? line)
    {
        if (line is not null)
        {
            lines.Enqueue(line);
        }
    }

    private static string WorkerPath()
    {
        var path = typeof(RabbitMqWorkerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "FaultTestsWorkerPath").Value!;
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"The worker fixture is not built at {path}; build tests/MessageContracts.RabbitMQ.Tests (it builds the worker).", path);
    }
}
