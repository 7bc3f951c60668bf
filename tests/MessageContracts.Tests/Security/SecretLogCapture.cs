using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MessageContracts.Tests.Security;

/// <summary>
/// Every log entry of a host at every level, exceptions written out in full (<see cref="Exception.ToString"/>), so a
/// test can look for a secret anywhere a log sink would see it; and a wait for an entry that proves the logs were read.
/// </summary>
public sealed class SecretLogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> entries = new();
    private readonly ConcurrentBag<(Func<string, bool> Predicate, TaskCompletionSource Seen)> waiters = [];

    public IReadOnlyList<string> Entries => [.. entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>Completes when an entry (logged before or after the call) matches <paramref name="predicate"/>.</summary>
    public Task WaitForAsync(Func<string, bool> predicate, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        waiters.Add((predicate, seen));
        if (entries.Any(predicate))
        {
            seen.TrySetResult();
        }

        return seen.Task.WaitAsync(timeout);
    }

    public void Dispose()
    {
    }

    private void Add(string entry)
    {
        entries.Enqueue(entry);
        foreach (var (predicate, seen) in waiters)
        {
            if (!seen.Task.IsCompleted && predicate(entry))
            {
                seen.TrySetResult();
            }
        }
    }

    private sealed class Logger(SecretLogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // The structured values too: a sink that writes them as fields would show them.
            var fields = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(pair => $"{pair.Key}={pair.Value}")) : "";
            capture.Add($"{logLevel} {category}: {formatter(state, exception)} [{fields}] {exception}");
        }
    }
}
