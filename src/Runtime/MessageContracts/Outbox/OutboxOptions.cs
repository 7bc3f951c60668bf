namespace MessageContracts;

/// <summary>Settings of the outbox relay, the hosted service that publishes committed outbox rows. See docs/outbox.md.</summary>
public sealed class OutboxOptions
{
    /// <summary>
    /// Whether this instance runs the relay. Defaults to <see langword="true"/>. Turn it off in instances that only
    /// enqueue (another instance relays); SQLite outboxes must have exactly one relay per database file.
    /// </summary>
    public bool RunRelay { get; set; } = true;

    /// <summary>
    /// How often the relay looks for committed rows when it has nothing to do. Defaults to 1 second. An enqueue in this
    /// process also wakes the relay, which then looks every <see cref="FastPollInterval"/> for a short while, because a
    /// commit itself cannot be observed through plain ADO.NET.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the relay looks during the second after an enqueue in this process. Defaults to 20 ms.</summary>
    public TimeSpan FastPollInterval { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>The most rows one relay batch publishes (it waits for all their delivery reports before marking them sent). Defaults to 500.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>How long sent rows are kept before they are deleted. Defaults to 1 day.</summary>
    public TimeSpan SentRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// A test seam: called after a batch's delivery reports arrived and before its rows are marked sent, so a test can
    /// "kill" the relay in between.
    /// </summary>
    internal Func<IReadOnlyList<OutboxMessage>, CancellationToken, Task>? AfterPublishBeforeMarkSent { get; set; }
}
