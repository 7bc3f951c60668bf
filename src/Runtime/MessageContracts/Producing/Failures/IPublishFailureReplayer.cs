namespace MessageContracts;

/// <summary>
/// Re-sends the messages in the <see cref="IPublishFailureLog"/> to Kafka, each with its original message ID, key
/// and headers, and removes each from the log only after Kafka acknowledged it. Resolve it from the container and
/// call it when Kafka is reachable again (from an admin endpoint, a timer, or at startup).
/// </summary>
public interface IPublishFailureReplayer
{
    /// <summary>
    /// Replays every record in the log, oldest first. A record that fails again stays in the log with one more
    /// attempt counted; when no record of a page gets through because Kafka does not answer in time (still
    /// unreachable) the replay stops early instead of waiting out the publish timeout page after page.
    /// </summary>
    /// <param name="cancellationToken">Stops the replay; records not yet acknowledged stay in the log.</param>
    /// <returns>How many records were delivered, how many failed again, and how many the log still holds.</returns>
    /// <remarks>
    /// Delivery is at least once: a record acknowledged by Kafka whose removal did not happen (a crash, a cancel, two
    /// replays at once on a shared log) is sent again on the next replay with the same ID, which consumers that
    /// deduplicate drop. Replays in one process run one at a time.
    /// </remarks>
    Task<PublishFailureReplayResult> ReplayAsync(CancellationToken cancellationToken = default);
}

/// <summary>The outcome of <see cref="IPublishFailureReplayer.ReplayAsync"/>.</summary>
/// <param name="Replayed">Records Kafka acknowledged and that were removed from the log.</param>
/// <param name="Failed">Records whose delivery failed again; they stay in the log.</param>
/// <param name="Remaining">Records in the log when the replay finished.</param>
public readonly record struct PublishFailureReplayResult(int Replayed, int Failed, int Remaining);
