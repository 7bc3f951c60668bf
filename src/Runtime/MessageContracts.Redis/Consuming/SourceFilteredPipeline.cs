namespace MessageContracts.Redis;

/// <summary>
/// The core's pipeline with only some of its sources: the stream receiver sees the topics that stay on Streams, the
/// pub/sub receiver the at-most-once ones, so each reads its own and neither needs to know about the other.
/// </summary>
internal sealed class SourceFilteredPipeline(IInboundRecordPipeline inner, Func<string, bool> keep) : IInboundRecordPipeline
{
    public IReadOnlyList<string> Sources { get; } = inner.Sources.Where(keep).ToArray();

    public bool CanBatch => inner.CanBatch;

    public Task<int> SettleAsync(IReadOnlyList<InboundRecord> batch, Action<int> settled, CancellationToken stop, CancellationToken cancellationToken) =>
        inner.SettleAsync(batch, settled, stop, cancellationToken);
}
