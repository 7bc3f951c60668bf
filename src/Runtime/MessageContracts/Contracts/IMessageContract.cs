using System.ComponentModel;
using System.Text.Json;

namespace MessageContracts;

/// <summary>
/// Implemented by the source generator on every <c>[Event]</c> and <c>[Command]</c> record. It carries the
/// contract's wire description and its reflection-free serializer as static members, so generic runtime code
/// (<c>T.Serialize(...)</c>) needs neither reflection nor a registry lookup.
/// </summary>
/// <typeparam name="TSelf">The contract type itself.</typeparam>
/// <remarks>Users do not implement this interface: mark the record <c>[Event]</c> or <c>[Command]</c> and make it <c>partial</c>.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IMessageContract<TSelf>
    where TSelf : IMessageContract<TSelf>
{
    /// <summary>The stable message type name written to the <c>ce_type</c> header.</summary>
    static abstract string MessageType { get; }

    /// <summary>The Kafka topic the contract travels on.</summary>
    static abstract string Topic { get; }

    /// <summary>Whether the contract is an event or a command.</summary>
    static abstract MessageKind Kind { get; }

    /// <summary>Writes <paramref name="message"/> as one JSON object.</summary>
    static abstract void Serialize(Utf8JsonWriter writer, TSelf message);

    /// <summary>
    /// Reads one message from UTF-8 JSON. Unknown members are skipped; a malformed document or a missing
    /// required member throws <see cref="MessageDeserializationException"/>.
    /// </summary>
    static abstract TSelf Deserialize(ReadOnlySpan<byte> utf8Json);

    /// <summary>The Kafka key: the <c>[PartitionKey]</c> member's value as invariant text, or <see langword="null"/> when the contract has none.</summary>
    static abstract string? GetPartitionKey(TSelf message);

    /// <summary>
    /// The text the message ID is derived from: the <c>[MessageId]</c> member's value as invariant text, or
    /// <see langword="null"/> when the contract has no <c>[MessageId]</c> member (each publish then gets a new ID).
    /// The generator implements it only for contracts with such a member.
    /// </summary>
    /// <exception cref="ArgumentException">The member's value is null, empty or <see cref="Guid.Empty"/>.</exception>
    static virtual string? GetMessageIdValue(TSelf message) => null;

    /// <summary>
    /// Whether the contract accepts loss: <see cref="MessageContracts.Delivery.AtMostOnce"/> for an event marked
    /// <c>[Event(Delivery = Delivery.AtMostOnce)]</c>, else <see cref="MessageContracts.Delivery.AtLeastOnce"/>. The generator
    /// implements it only for at-most-once events, so the transport reads it without reflection.
    /// </summary>
    static virtual Delivery Delivery => Delivery.AtLeastOnce;
}

/// <summary>An <see cref="IMessageContract{TSelf}"/> marked <c>[Event]</c>. Implemented by the source generator.</summary>
/// <typeparam name="TSelf">The contract type itself.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IEventContract<TSelf> : IMessageContract<TSelf>
    where TSelf : IEventContract<TSelf>
{
}

/// <summary>An <see cref="IMessageContract{TSelf}"/> marked <c>[Command]</c>. Implemented by the source generator.</summary>
/// <typeparam name="TSelf">The contract type itself.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ICommandContract<TSelf> : IMessageContract<TSelf>
    where TSelf : ICommandContract<TSelf>
{
}
