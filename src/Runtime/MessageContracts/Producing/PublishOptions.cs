namespace MessageContracts;

/// <summary>
/// Settings of one publish call (<see cref="IEventPublisher{TEvent}.PublishAsync(TEvent, PublishOptions, CancellationToken)"/>,
/// <see cref="ICommandSender{TCommand}.SendAsync(TCommand, PublishOptions, CancellationToken)"/>). Every property is
/// optional; an empty instance publishes like the overload without options.
/// </summary>
/// <example>
/// Finishing what a timeout left open: the same message, with the ID it was first sent with.
/// <code>
/// try { await orders.PublishAsync(order, ct); }
/// catch (PublishException e) { await orders.PublishAsync(order, new PublishOptions { MessageId = e.MessageId }, ct); }
/// </code>
/// </example>
public sealed class PublishOptions
{
    /// <summary>
    /// The message ID (<c>ce_id</c>) to publish with, instead of the one the toolkit would give it. Set it to the
    /// <see cref="PublishException.MessageId"/> of a failed publish to send that message again: a copy that did reach
    /// Kafka the first time is then dropped by the consumers' deduplication, so the message has one effect.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Without it, the ID comes from the contract's <c>[MessageId]</c> member when it has one (the same business value
    /// always gives the same ID), else it is a new UUIDv7. A given ID wins over both.
    /// </para>
    /// <para>
    /// It must be 1 to 200 characters of printable ASCII (U+0020 to U+007E), the limit consumers enforce on arriving
    /// IDs; the publish call throws <see cref="ArgumentException"/> otherwise. <see langword="null"/> (the default)
    /// lets the toolkit choose.
    /// </para>
    /// </remarks>
    public string? MessageId { get; set; }

    /// <summary>
    /// What to do when Kafka does not acknowledge this message, overriding the contract's and the global policy
    /// (<see cref="MessageContractsOptions.SetPublishFailurePolicy{TMessage}"/>, <see cref="MessageContractsOptions.PublishFailurePolicy"/>).
    /// <see langword="null"/> (the default) keeps them.
    /// </summary>
    public PublishFailurePolicy? FailurePolicy { get; set; }
}
