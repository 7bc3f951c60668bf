using Microsoft.Extensions.Logging;

namespace MessageContracts.Tests.Support;

/// <summary>
/// Writes a test host's logs to a file when MESSAGECONTRACTS_TEST_LOG_DIR is set: a diagnostic aid for runs that
/// fail only under load, where a debugger is no use. Off by default.
/// </summary>
internal sealed class FileLoggerProvider(string path) : ILoggerProvider
{
    private readonly StreamWriter writer = new(path, append: true) { AutoFlush = true };

    public ILogger CreateLogger(string categoryName) => new FileLogger(writer, categoryName);

    public void Dispose()
    {
        lock (writer)
        {
            writer.Dispose();
        }
    }

    private sealed class FileLogger(StreamWriter writer, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = $"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{(exception is null ? string.Empty : " | " + exception.GetType().Name + ": " + exception.Message)}";
            lock (writer)
            {
                if (writer.BaseStream.CanWrite)
                {
                    writer.WriteLine(line);
                }
            }
        }
    }
}
