namespace MessageContracts;

/// <summary>
/// Marks the member whose value becomes the Kafka message key. Messages with the same key land in the same
/// partition and are therefore handled in the order they were published.
/// </summary>
/// <remarks>
/// Put it on one property, or on one positional-record parameter (<c>[PartitionKey]</c> or
/// <c>[property: PartitionKey]</c>). The value is written as UTF-8 text in invariant culture
/// (a <see cref="Guid"/> in its <c>D</c> format), so clients written in other languages can read the key.
/// </remarks>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter, Inherited = false, AllowMultiple = false)]
public sealed class PartitionKeyAttribute : Attribute
{
}
