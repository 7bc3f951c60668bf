using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MessageContracts.Redis.Tests.Faults;

/// <summary>Keeps every message a host logs, so a test can wait for what a service saw (a read that failed, say).</summary>
public sealed class LogRecorder : ILoggerProvider, ILogger
{
    private readonly ConcurrentQueue<string> lines = new();

    public IReadOnlyList<string> Lines => [.. lines];

    public bool Contains(string text) => lines.Any(line => line.Contains(text, StringComparison.Ordinal));

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            lines.Enqueue($"{logLevel}: {formatter(state, exception)}{(exception is null ? "" : " (" + exception.GetType().Name + ")")}");
        }
    }

    public void Dispose()
    {
    }
}
