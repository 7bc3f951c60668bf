using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace MessageContracts.Behaviour.Tests.Support;

/// <summary>Writes a host's warnings and errors to the test's output, named after the host, so a failure shows why.</summary>
public sealed class TestOutputLogger(ITestOutputHelper output, string name) : ILoggerProvider, ILogger
{
    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        try
        {
            var text = formatter(state, exception);
            output.WriteLine($"[{name}] {logLevel}: {(text.Length > 500 ? text[..500] + "..." : text)}");
        }
        catch (InvalidOperationException)
        {
            // The test has ended (a host stopping after it): there is no output to write to.
        }
    }

    public void Dispose()
    {
    }
}
