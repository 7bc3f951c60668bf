namespace MessageContracts;

/// <summary>
/// The consumer's limits on what it reads and holds. A record over a header limit is dead-lettered with a reason that
/// names the limit and the option to change; it never stalls its partition. See docs/reliability.md, "Limits".
/// </summary>
public sealed partial class MessageContractsOptions
{
    /// <summary>
    /// The longest message ID (<c>ce_id</c>) the consumer accepts, in bytes. Defaults to 200. A message ID must also be
    /// printable ASCII (0x20 to 0x7E) and not blank, whatever this says. IDs are keys in the deduplication store: a
    /// PostgreSQL index entry holds about 2,700 bytes, and a longer ID is refused by the store (and then dead-lettered too).
    /// </summary>
    public int MaxMessageIdBytes { get; set; } = MessageIdRules.DefaultMaxLength;

    /// <summary>
    /// The largest single header (its key's UTF-8 bytes plus its value's bytes) the consumer accepts. Defaults to 16 KiB,
    /// well above the CloudEvents and trace headers (W3C <c>baggage</c> is capped at 8 KiB).
    /// </summary>
    public int MaxHeaderBytes { get; set; } = 16 * 1024;

    /// <summary>The most bytes all headers of one record may have together (keys and values). Defaults to 64 KiB.</summary>
    public int MaxTotalHeaderBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// How many bytes of fetched records (keys, values and headers) may wait per partition before the consumer pauses
    /// fetching that partition, beside <see cref="MaxQueuedRecordsPerPartition"/>. Defaults to 16 MiB; a single record
    /// larger than this is still taken, one at a time. Bounds the consumer's memory when records are large.
    /// </summary>
    public long MaxQueuedBytesPerPartition { get; set; } = 16 * 1024 * 1024;
}
