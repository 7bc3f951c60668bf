namespace MessageContracts;

/// <summary>
/// Marks the member whose value identifies the business fact a message reports (a payment ID, an order number): the
/// message ID (<c>ce_id</c>) is then derived from the contract's message type and that value, instead of being new
/// on every publish. Publishing the same fact twice, from one producer or from two, after a restart or on another
/// machine, gives both copies the same ID, and the consumers' deduplication handles it once.
/// </summary>
/// <remarks>
/// <para>
/// Put it on one property, or on one positional-record parameter (<c>[MessageId]</c> or <c>[property: MessageId]</c>),
/// of type <see cref="string"/>, <see cref="Guid"/> or an integer (<see cref="int"/>, <see cref="long"/>, ...; also
/// nullable). The ID is a name-based UUID (version 8, SHA-256, RFC 9562), computed from the <c>ce_type</c> and the
/// value's invariant text: the same type and value always give the same ID, and two contract types never share one.
/// docs/contracts.md gives the exact algorithm, so producers in other languages can compute it.
/// </para>
/// <para>
/// A null value, an empty string and <see cref="Guid.Empty"/> are refused when publishing (every such message would
/// get the same ID, and consumers would drop all but the first). An ID given to the call
/// (<see cref="PublishOptions.MessageId"/>) wins over the derived one. The analyzers report two <c>[MessageId]</c>
/// members (MC0024), an unsupported type (MC0025) and a settable member (MC0026).
/// </para>
/// </remarks>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter, Inherited = false, AllowMultiple = false)]
public sealed class MessageIdAttribute : Attribute
{
}
