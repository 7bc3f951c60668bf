using System.Collections.Concurrent;
using MessageContracts;

namespace NativeWorker;

/// <summary>
/// Counts this run's readings handled (their sensor IDs begin with the run's mark), and which; completes once every
/// expected reading arrived.
/// </summary>
public sealed class Readings(string run, int expected)
{
    private readonly ConcurrentDictionary<int, byte> _sequences = new();
    private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _handled;

    public int Handled => Volatile.Read(ref _handled);

    public int Distinct => _sequences.Count;

    public void Add(ReadingTaken reading)
    {
        if (!reading.SensorId.StartsWith(run + "/", StringComparison.Ordinal))
        {
            return;
        }

        Interlocked.Increment(ref _handled);
        if (_sequences.TryAdd(reading.Sequence, 0) && _sequences.Count == expected)
        {
            _all.TrySetResult();
        }
    }

    /// <summary>True once every expected reading was handled; false when the token fires first.</summary>
    public async Task<bool> WaitForAllAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _all.Task.WaitAsync(cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

/// <summary>Records each reading; a repeat is harmless because <see cref="Readings"/> counts distinct sequences.</summary>
[Idempotent]
public sealed class RecordReading(Readings readings) : IMessageHandler<ReadingTaken>
{
    public Task HandleAsync(ReadingTaken message, MessageContext context, CancellationToken cancellationToken)
    {
        readings.Add(message);
        return Task.CompletedTask;
    }
}
