namespace MessageContracts;

/// <summary>
/// Decides which offsets of a batch may be stored: a record's offset moves on only once its outcome is durable, and
/// offsets are stored in order. A dead-letter, a duplicate or a skipped record is durable when settled; a handled
/// record only once its message ID is marked processed, so handled IDs wait here and are marked together in one store
/// call (<see cref="FlushAsync"/>) before the offsets up to them are stored.
/// </summary>
internal sealed class OffsetSettlement
{
    /// <summary>
    /// The most handled records of one batch whose early marks may be unwritten when the next record's handlers start.
    /// What a crash repeats is what was handled and not yet marked, so this bounds it per partition (a batch is up to
    /// 64). Handlers wait only when the writer falls behind; on the benchmark the defaults' throughput moved within its
    /// noise (docs/benchmarks.md, "Session 9").
    /// </summary>
    internal const int UnwrittenMarksWindow = 16;

    private readonly DeduplicationGate gate;
    private readonly LeaseRenewal.HeldClaims held;
    private readonly Action<int> storeOffset;
    private List<string> awaitingMark;
    private EarlyMarks early = new();
    private int stored;

    /// <param name="gate">Marks the handled IDs.</param>
    /// <param name="held">The batch's claims (their owner, and which were taken over).</param>
    /// <param name="storeOffset">Stores the offset of the batch's record at the given index (which says the records before it are done too); called in index order.</param>
    /// <param name="capacity">The batch's size.</param>
    public OffsetSettlement(DeduplicationGate gate, LeaseRenewal.HeldClaims held, Action<int> storeOffset, int capacity)
    {
        this.gate = gate;
        this.held = held;
        this.storeOffset = storeOffset;
        awaitingMark = new List<string>(capacity);
    }

    /// <summary>How many records, from the batch's first, have a final outcome (recorded or still to be marked).</summary>
    public int Settled { get; private set; }

    /// <summary>Whether handled records wait for their mark.</summary>
    public bool HasUnmarked => awaitingMark.Count > 0;

    /// <summary>The next record's outcome is final and durable already (dead-lettered, a duplicate, skipped).</summary>
    public void SettledDurably() => Settled++;

    /// <summary>
    /// The next record was handled: its offset waits for the mark of <paramref name="messageId"/>, which goes to the
    /// store's writer at once when it takes marks early (<see cref="DeduplicationGate.MarkSoon"/>), so that a crash
    /// repeats as few handled records as possible.
    /// </summary>
    public void SettledHandled(string messageId)
    {
        awaitingMark.Add(messageId);
        early.Add(gate.MarkSoon(messageId, held));
        Settled++;
    }

    /// <summary>Whether the next record may be handled now: fewer than <see cref="UnwrittenMarksWindow"/> early marks are unwritten.</summary>
    public bool HasRoomToHandle => early.HasRoom(UnwrittenMarksWindow);

    /// <summary>Waits until <see cref="HasRoomToHandle"/>: for the writer to commit the oldest early marks.</summary>
    public Task WaitForRoomToHandleAsync(CancellationToken cancellationToken) => early.WaitForRoomAsync(UnwrittenMarksWindow, cancellationToken);

    /// <summary>
    /// Hands the handled IDs waiting for their mark to the caller, which records them with the next batch's claims
    /// (<see cref="DeferredMarks"/>) and only then stores the batch's offsets; this settlement stores none of them.
    /// </summary>
    public (List<string> MessageIds, EarlyMarks Early) TakeUnmarked()
    {
        // Handed over, not copied: this settlement is done with the batch once its marks are deferred.
        var unmarked = (awaitingMark, early);
        awaitingMark = [];
        early = new EarlyMarks();
        stored = Settled;
        return unmarked;
    }

    /// <summary>
    /// Marks the handled IDs processed (<see cref="DeduplicationGate.MarkProcessedAsync"/>), then stores the offsets of
    /// settled records (one call, for the last of them). If the mark cannot be recorded (stopped past its grace), it throws and no offset moves.
    /// </summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (awaitingMark.Count > 0)
        {
            await gate.MarkProcessedAsync(awaitingMark, held, cancellationToken, early).ConfigureAwait(false);
            awaitingMark.Clear();
            early = new EarlyMarks();
        }

        // Only the last settled record's offset: a partition's stored offset says every record before it is done, and
        // these are settled in order, so one call to librdkafka (a native list and a lock each time; 3.8 % of the
        // consumer thread's time when it was one call per record) does for all of them.
        if (Settled > stored)
        {
            storeOffset(Settled - 1);
            stored = Settled;
        }
    }
}
