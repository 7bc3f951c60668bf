using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit.Abstractions;

namespace MessageContracts.Redis.Tests.Faults;

/// <summary>
/// A redis-server of one test's own (never the shared MESSAGECONTRACTS_REDIS one): its own free port and data folder,
/// started, killed and started again by the test. With <c>appendOnly</c> it persists every write before answering
/// (<c>appendonly yes</c>, <c>appendfsync always</c>), so a kill loses nothing Redis acknowledged; without it nothing is
/// persisted (no AOF, no RDB snapshots) and a restart starts empty.
/// </summary>
public sealed class OwnRedisServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly bool appendOnly;
    private readonly string directory;
    private readonly ITestOutputHelper? output;
    private Process? process;

    private OwnRedisServer(bool appendOnly, ITestOutputHelper? output)
    {
        this.appendOnly = appendOnly;
        this.output = output;
        directory = Directory.CreateTempSubdirectory("mc-redis-faults-").FullName;
        Port = FreePort();
    }

    public int Port { get; }

    /// <summary>The configuration string of the server, for UseRedis and the stores.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>Starts a server, with or without persistence, and returns once it accepts connections.</summary>
    public static async Task<OwnRedisServer> StartAsync(bool appendOnly, ITestOutputHelper? output = null)
    {
        var server = new OwnRedisServer(appendOnly, output);
        await server.StartAsync();
        return server;
    }

    /// <summary>Starts the server (again: same port, same data folder) and returns once it accepts connections.</summary>
    public async Task StartAsync()
    {
        if (process is { HasExited: false })
        {
            throw new InvalidOperationException("The server is already running.");
        }

        var start = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--dir", directory,
            "--appendonly", appendOnly ? "yes" : "no",
            "--appendfsync", "always",
            "--save", "",
            "--daemonize", "no",
            "--protected-mode", "no",
            "--logfile", "",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var lines = new ConcurrentQueue<string>();
        var started = new Process { StartInfo = start, EnableRaisingEvents = true };
        DataReceivedEventHandler onLine = (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lines.Enqueue(e.Data);
            Write(e.Data);
            if (e.Data.Contains("Ready to accept connections", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        started.OutputDataReceived += onLine;
        started.ErrorDataReceived += onLine;
        started.Exited += (_, _) => ready.TrySetException(new InvalidOperationException(
            $"redis-server on port {Port} exited while starting:\n{string.Join('\n', lines)}"));
        try
        {
            started.Start();
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException("The Redis fault tests start a redis-server of their own: install it (scripts/brokers.sh does).", exception);
        }

        started.BeginOutputReadLine();
        started.BeginErrorReadLine();
        process = started;
        await ready.Task.WaitAsync(StartTimeout);
    }

    /// <summary>Kills the server at once (SIGKILL): no shutdown, no final save; only what the AOF already holds survives.</summary>
    public void Kill()
    {
        if (process is { HasExited: false } running)
        {
            running.Kill();
            running.WaitForExit();
        }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        process?.Dispose();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a dying process: the temp folder is cleaned some other day.
        }

        return ValueTask.CompletedTask;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Write(string line)
    {
        try
        {
            output?.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} [redis-server {Port}] {line}");
        }
        catch (InvalidOperationException)
        {
            // The test is over; its output is closed.
        }
    }
}
