using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace MessageContracts.Tests.Faults.Support;

/// <summary>One log entry of a host.</summary>
public sealed record LogEntry(DateTimeOffset At, string Category, LogLevel Level, string Message);

/// <summary>
/// Keeps a host's log entries (Information and above, or from <c>minimumLevel</c>) so tests can wait on what the runtime
/// says it did (a partition assigned, a duplicate dropped, brokers down); warnings and errors also go to the test
/// output, for diagnosis.
/// </summary>
public sealed class LogCapture(string instance, ITestOutputHelper? output, LogLevel minimumLevel = LogLevel.Information) : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> entries = new();
    private readonly LogLevel minimumLevel = minimumLevel;

    public IReadOnlyList<LogEntry> Snapshot() => [.. entries];

    public bool Any(Func<LogEntry, bool> predicate) => entries.Any(predicate);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(LogEntry entry)
    {
        entries.Enqueue(entry);
        if (output is not null && entry.Level >= LogLevel.Warning)
        {
            try
            {
                output.WriteLine($"{entry.At:HH:mm:ss.fff} [{instance}] {entry.Level} {entry.Category}: {entry.Message}");
            }
            catch (InvalidOperationException)
            {
                // The test is over; its output is closed.
            }
        }
    }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= capture.minimumLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var message = formatter(state, exception);
            if (exception is not null)
            {
                message += " | " + exception.GetType().Name + ": " + exception.Message;
            }

            capture.Add(new LogEntry(DateTimeOffset.UtcNow, category, logLevel, message));
        }
    }
}
