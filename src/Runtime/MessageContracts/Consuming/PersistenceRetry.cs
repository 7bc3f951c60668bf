using Microsoft.Extensions.Logging;

namespace MessageContracts;

/// <summary>
/// Runs a write a record's outcome depends on (a claim, a mark, a dead-letter) until it succeeds, pausing between
/// attempts with a backoff from <see cref="FirstPause"/> doubling up to <see cref="LongestPause"/>, timed by
/// <see cref="TimeProvider"/>. A store or broker that is down stalls the partition rather than losing or repeating a
/// message: the offset may not move on without the write.
/// </summary>
internal sealed partial class PersistenceRetry(TimeProvider timeProvider, ILogger logger)
{
    internal static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(100);
    internal static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(5);

    private readonly ILogger logger = logger;

    /// <summary>The pause after <paramref name="pause"/>: doubled, up to <see cref="LongestPause"/>.</summary>
    public static TimeSpan Grow(TimeSpan pause) => TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));

    /// <summary>Waits <paramref name="pause"/> on the <see cref="TimeProvider"/>.</summary>
    public Task PauseAsync(TimeSpan pause, CancellationToken cancellationToken) => Task.Delay(pause, timeProvider, cancellationToken);

    /// <summary>Runs <paramref name="write"/> until it succeeds or <paramref name="cancellationToken"/> is signalled.</summary>
    /// <remarks>
    /// The write gets its inputs as <paramref name="state"/> and is a static lambda, so the per-record hot path
    /// allocates no closure or delegate.
    /// </remarks>
    public async Task RunAsync<TState>(string what, TState state, Func<TState, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var pause = FirstPause;
        while (true)
        {
            try
            {
                await write(state, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception exception)
            {
                LogPersistFailed(exception, what, pause);
                await PauseAsync(pause, cancellationToken).ConfigureAwait(false);
                pause = Grow(pause);
            }
        }
    }

    /// <summary>
    /// As <see cref="RunAsync{TState}"/>, for a write with a result. A <see cref="MessageIdRejectedException"/> for one
    /// of <paramref name="rejectable"/> is thrown at once: the store can never record that ID, so retrying would stall
    /// the partition for good. Any other failure (a refusal of an ID not in the call included: a store bug) is retried.
    /// </summary>
    public async Task<TResult> RunAsync<TState, TResult>(
        string what, TState state, Func<TState, CancellationToken, Task<TResult>> write, CancellationToken cancellationToken, IReadOnlyList<string> rejectable)
    {
        var pause = FirstPause;
        while (true)
        {
            try
            {
                return await write(state, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (MessageIdRejectedException refusal) when (rejectable.Contains(refusal.MessageId, StringComparer.Ordinal))
            {
                LogIdRejected(refusal.MessageId.Length > 64 ? refusal.MessageId[..64] + "..." : refusal.MessageId, refusal.Message);
                throw;
            }
            catch (Exception exception)
            {
                LogPersistFailed(exception, what, pause);
                await PauseAsync(pause, cancellationToken).ConfigureAwait(false);
                pause = Grow(pause);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not {What}; trying again in {Pause} (the partition waits, nothing is skipped)")]
    private partial void LogPersistFailed(Exception exception, string what, TimeSpan pause);

    [LoggerMessage(Level = LogLevel.Error, Message = "The deduplication store refused message ID {MessageId}; the record is dead-lettered, not retried: {Reason}")]
    private partial void LogIdRejected(string messageId, string reason);
}
