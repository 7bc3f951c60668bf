namespace MessageContracts.Transports;

/// <summary>
/// The core's entry point for a transport's receiving side: routing, deduplication, handlers, retries and dead
/// letters for the records of one ordered lane. Resolve it from the service provider; the transport fetches records,
/// calls <see cref="SettleAsync"/> per lane (one call at a time per lane), and acknowledges or commits what it reports.
/// </summary>
public interface IInboundRecordPipeline
{
    /// <summary>The sources (topic names) this service has handlers for: what the transport must receive.</summary>
    IReadOnlyList<string> Sources { get; }

    /// <summary>
    /// Whether a batch may hold more than one record. False with the transactional inbox, which settles each record in
    /// its own transaction: then pass batches of one.
    /// </summary>
    bool CanBatch { get; }

    /// <summary>
    /// Settles a prefix of <paramref name="batch"/> (records of one lane, in order) and returns how many were settled.
    /// Each time a prefix is durably settled (handled and marked processed, dropped as a duplicate, or dead-lettered),
    /// <paramref name="settled"/> gets the index of its last record: the transport may then commit or acknowledge up to
    /// it, and must not before. The caller passes the unsettled rest again (a record another instance holds is waited
    /// for when it is alone in its batch).
    /// </summary>
    /// <param name="batch">Records of one lane, in order.</param>
    /// <param name="settled">Called with the index of the last settled record, in order, possibly several times.</param>
    /// <param name="stop">Signalled to stop after the record in progress (a lane being revoked or the host stopping).</param>
    /// <param name="cancellationToken">Cancels the work in progress; what was settled is still reported, then it throws.</param>
    /// <returns>How many records, from the start of the batch, are settled.</returns>
    Task<int> SettleAsync(IReadOnlyList<InboundRecord> batch, Action<int> settled, CancellationToken stop, CancellationToken cancellationToken);
}
