using MessageContracts.Shared;

namespace MessageContracts.Generators.Model
{
    /// <summary>Everything needed to emit one contract's partial declaration. Strings, enums and equatable arrays only.</summary>
    /// <param name="HintName">The generated file's name without extension, e.g. <c>Shop.OrderPlaced.Contract</c>.</param>
    /// <param name="Namespace">The namespace, or <see langword="null"/> for the global namespace.</param>
    /// <param name="ContainingTypes">Outermost first.</param>
    /// <param name="Declaration">The contract's own declaration header.</param>
    /// <param name="FullyQualifiedName"><c>global::</c>-qualified type name.</param>
    /// <param name="DisplayName">The name used in error messages, e.g. <c>Shop.OrderPlaced</c>.</param>
    /// <param name="Kind">Event or command.</param>
    /// <param name="MessageType">The <c>ce_type</c> value.</param>
    /// <param name="Topic">The Kafka topic.</param>
    /// <param name="Object">The contract's serializer shape.</param>
    /// <param name="Parts">
    /// Message parts used (transitively) by the contract that only the contract's own code can see (e.g. a private
    /// nested record): serialized by the contract's file. Ordinal by name.
    /// </param>
    /// <param name="Enums">Enums used (transitively) by the contract that only its own code can see. Ordinal by name.</param>
    /// <param name="SharedParts">
    /// Message parts used (transitively) by the contract that the whole assembly can see: serialized once per
    /// compilation (<see cref="SharedTypeSpec"/>). Ordinal by name.
    /// </param>
    /// <param name="SharedEnums">Enums used (transitively) by the contract that the whole assembly can see. Ordinal by name.</param>
    /// <param name="PartitionKey">The key member, or <see langword="null"/>.</param>
    /// <param name="MessageId">The <c>[MessageId]</c> member the message ID is derived from, or <see langword="null"/>.</param>
    /// <param name="Delivery">At most once only for an event that accepts loss (a command never: MC0027 reports one asking).</param>
    internal sealed record ContractSpec(
        string HintName,
        string? Namespace,
        EquatableArray<TypeDeclarationSpec> ContainingTypes,
        TypeDeclarationSpec Declaration,
        string FullyQualifiedName,
        string DisplayName,
        ContractKind Kind,
        string MessageType,
        string Topic,
        ObjectSpec Object,
        EquatableArray<ObjectSpec> Parts,
        EquatableArray<EnumSpec> Enums,
        EquatableArray<ObjectSpec> SharedParts,
        EquatableArray<EnumSpec> SharedEnums,
        PartitionKeySpec? PartitionKey,
        MessageIdSpec? MessageId,
        ContractDelivery Delivery);

    /// <summary>
    /// A message part or enum serialized once per compilation, in its own file, for every contract that uses it
    /// (exactly one of <paramref name="Part"/> and <paramref name="Enum"/> is set).
    /// </summary>
    internal sealed record SharedTypeSpec(ObjectSpec? Part, EnumSpec? Enum)
    {
        /// <summary>The <c>global::</c>-qualified name of the part or enum.</summary>
        public string FullyQualifiedName => Part?.FullyQualifiedName ?? Enum!.FullyQualifiedName;
    }

    /// <summary>A partial type declaration header: <c>Keywords</c> (e.g. <c>readonly partial record struct</c>) and <c>Name</c>.</summary>
    internal readonly record struct TypeDeclarationSpec(string Keywords, string Name);

    /// <summary>The <c>[PartitionKey]</c> member and how to turn it into text.</summary>
    /// <param name="PropertyName">The C# property name.</param>
    /// <param name="Kind">The key's kind (for <c>Nullable&lt;T&gt;</c>: the kind of <c>T</c>).</param>
    /// <param name="IsNullableValueType">The property is a <c>Nullable&lt;T&gt;</c>.</param>
    internal sealed record PartitionKeySpec(string PropertyName, MemberTypeKind Kind, bool IsNullableValueType);

    /// <summary>The <c>[MessageId]</c> member and how its value becomes the text the message ID is derived from.</summary>
    /// <param name="PropertyName">The C# property name.</param>
    /// <param name="Kind">How the value is turned into text (a nullable value type counts as its underlying type).</param>
    internal sealed record MessageIdSpec(string PropertyName, MessageIdKind Kind);
}
