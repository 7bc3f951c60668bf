using Microsoft.Extensions.Logging;

namespace MessageContracts.Redis.Tests.Support;

/// <summary>
/// Holds the handler of a parcel whose ID starts with "hold" until released: by <see cref="Release"/>, or, with
/// <see cref="ReleaseOnStop"/> as a logger provider, once the Redis receiver says it is stopping (so the stop is
/// signalled while that handler runs, with no race).
/// </summary>
public sealed class DeliveryGate
{
    private readonly TaskCompletionSource entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a held handler started.</summary>
    public Task Entered => entered.Task;

    public async Task HoldAsync(CancellationToken cancellationToken)
    {
        entered.TrySetResult();
        await released.Task.WaitAsync(cancellationToken);
    }

    public void Release() => released.TrySetResult();

    /// <summary>Whether the gate was open each time another handler ran (ParcelScannedRecorder notes it).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<bool> OpenWhenOthersRan { get; } = new();

    public void NoteOtherHandler() => OpenWhenOthersRan.Enqueue(released.Task.IsCompleted);

    /// <summary>A logger provider that releases the gate when the Redis receiver logs that it is stopping.</summary>
    public sealed class ReleaseOnStop(DeliveryGate gate) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (formatter(state, exception).StartsWith("Stopping the Redis receiver", StringComparison.Ordinal))
            {
                gate.Release();
            }
        }

        public void Dispose()
        {
        }
    }
}
