using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace MessageContracts.Shared
{
    /// <summary>Event or command, as marked by the attribute. Values match the runtime's <c>MessageKind</c>.</summary>
    internal enum ContractKind
    {
        None = 0,
        Event = 1,
        Command = 2,
    }

    /// <summary>
    /// Everything the generator needs to know about an <c>[Event]</c>/<c>[Command]</c> type, and every reason it
    /// cannot generate it. The generator emits a contract only when <see cref="Problems"/> is empty; the
    /// analyzers report each problem, and each of <see cref="Warnings"/> (mistakes the generator has a defined
    /// answer to). This is the one place those rules live.
    /// </summary>
    internal sealed class ContractShape
    {
        private ContractShape(
            INamedTypeSymbol type,
            ContractKind kind,
            string messageType,
            string topic,
            ObjectShape? objectShape,
            IPropertySymbol? partitionKey,
            MemberTypeClassification? partitionKeyType,
            (IPropertySymbol Property, MessageIdKind Kind)? messageId,
            IReadOnlyList<ShapeProblem> problems,
            IReadOnlyList<ShapeProblem> warnings)
        {
            Type = type;
            Kind = kind;
            MessageType = messageType;
            Topic = topic;
            Object = objectShape;
            PartitionKey = partitionKey;
            PartitionKeyType = partitionKeyType;
            MessageId = messageId;
            Problems = problems;
            Warnings = warnings;
        }

        public INamedTypeSymbol Type { get; }

        public ContractKind Kind { get; }

        /// <summary>The <c>ce_type</c> value: the attribute's <c>Type</c>, else the default (see <see cref="MessageNaming.GetMessageType"/>).</summary>
        public string MessageType { get; }

        /// <summary>The attribute's <c>Topic</c>, else the default topic.</summary>
        public string Topic { get; }

        /// <summary>The serializer's view of the type, or <see langword="null"/> when the type is not a valid record at all.</summary>
        public ObjectShape? Object { get; }

        /// <summary>The property whose value is the Kafka key, or <see langword="null"/>.</summary>
        public IPropertySymbol? PartitionKey { get; }

        public MemberTypeClassification? PartitionKeyType { get; }

        /// <summary>The <c>[MessageId]</c> member the message ID is derived from, and how; <see langword="null"/> for none (see <see cref="MessageIdMember"/>).</summary>
        public (IPropertySymbol Property, MessageIdKind Kind)? MessageId { get; }

        public IReadOnlyList<ShapeProblem> Problems { get; }

        /// <summary>
        /// Mistakes that do not stop generation, each with a defined outcome: with two <c>[PartitionKey]</c>s the first
        /// declared is the key; a key whose type cannot be a key gives no key (records are spread over partitions); the
        /// same for <c>[MessageId]</c> (the first is used; an unsupported type derives no ID; a settable one is used).
        /// </summary>
        public IReadOnlyList<ShapeProblem> Warnings { get; }

        public bool IsValid => Problems.Count == 0 && Kind != ContractKind.None;

        /// <summary>The <c>[Event]</c> or <c>[Command]</c> attribute on <paramref name="type"/> (the first one), or <see langword="null"/>.</summary>
        public static AttributeData? GetKindAttribute(INamedTypeSymbol type)
        {
            foreach (var attribute in type.GetAttributes())
            {
                if (ContractAttributes.IsKindAttribute(attribute))
                {
                    return attribute;
                }
            }

            return null;
        }

        /// <summary>
        /// The contract kind and topic of a type marked <c>[Event]</c> or <c>[Command]</c>, which may come from a
        /// referenced assembly. <see cref="ContractKind.None"/> when it has neither (or both) attributes.
        /// </summary>
        public static (ContractKind Kind, string Topic, bool HasBoth) GetKindAndTopic(INamedTypeSymbol type)
        {
            var kind = ContractKind.None;
            string? topic = null;
            var both = false;
            foreach (var attribute in type.GetAttributes())
            {
                var name = attribute.AttributeClass?.ToDisplayString();
                var current = name == KnownNames.EventAttribute ? ContractKind.Event
                    : name == KnownNames.CommandAttribute ? ContractKind.Command
                    : ContractKind.None;
                if (current == ContractKind.None)
                {
                    continue;
                }

                if (kind != ContractKind.None && kind != current)
                {
                    both = true;
                    continue;
                }

                kind = current;
                topic = ContractAttributes.NamedString(attribute, KnownNames.TopicArgument) ?? topic;
            }

            return (both ? ContractKind.None : kind, topic ?? MessageNaming.GetDefaultTopic(type), both);
        }

        /// <summary>Analyzes a type declared in source and marked <c>[Event]</c> or <c>[Command]</c>.</summary>
        public static ContractShape Analyze(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            var problems = new List<ShapeProblem>();
            var warnings = new List<ShapeProblem>();
            var (kind, topic, both) = GetKindAndTopic(type);
            var messageType = MessageNaming.GetMessageType(type);

            if (both)
            {
                problems.Add(new ShapeProblem(ShapeProblemKind.BothEventAndCommand, "a type cannot be both an [Event] and a [Command]", type));
            }

            if (!type.IsRecord)
            {
                problems.Add(new ShapeProblem(ShapeProblemKind.NotRecord, "contracts must be records ('record' or 'record struct')", type));
            }

            if (!IsPartial(type, cancellationToken))
            {
                problems.Add(new ShapeProblem(ShapeProblemKind.NotPartial, "contracts must be declared 'partial' so the serializer can be generated into them", type));
            }

            for (var containing = type.ContainingType; containing is not null; containing = containing.ContainingType)
            {
                if (!IsPartial(containing, cancellationToken))
                {
                    problems.Add(new ShapeProblem(ShapeProblemKind.ContainingTypeNotPartial, "the containing type '" + containing.Name + "' must be declared 'partial'", type));
                }

                if (containing.IsGenericType)
                {
                    problems.Add(new ShapeProblem(ShapeProblemKind.Generic, "contracts cannot be nested in generic types", type));
                }
            }

            if (type.IsGenericType)
            {
                problems.Add(new ShapeProblem(ShapeProblemKind.Generic, "contracts cannot be generic", type));
            }

            if (type.IsAbstract)
            {
                problems.Add(new ShapeProblem(ShapeProblemKind.Abstract, "contracts cannot be abstract", type));
            }

            if (!MessageNaming.IsValidMessageType(messageType))
            {
                problems.Add(new ShapeProblem(
                    ShapeProblemKind.InvalidMessageType,
                    "the message type (ce_type) " + SymbolDisplay.FormatLiteral(messageType, quote: true) + " is empty, starts or ends with white space, or has control characters",
                    type));
            }

            if (!MessageNaming.IsValidTopic(topic))
            {
                problems.Add(new ShapeProblem(
                    ShapeProblemKind.InvalidTopic,
                    "the topic '" + topic + "' is not a valid Kafka topic name (1 to 249 characters from a-z, A-Z, 0-9, '.', '_' and '-')",
                    type));
            }

            ObjectShape? shape = null;
            IPropertySymbol? partitionKey = null;
            MemberTypeClassification? partitionKeyType = null;
            (IPropertySymbol, MessageIdKind)? messageId = null;
            if (type.IsRecord && !type.IsGenericType)
            {
                shape = ObjectShape.Analyze(type, isContract: true, new List<ITypeSymbol> { type }, cancellationToken);
                problems.AddRange(shape.Problems);
                (partitionKey, partitionKeyType) = FindPartitionKey(type, shape, warnings);
                messageId = MessageIdMember.Find(type, shape, warnings);
            }

            return new ContractShape(type, kind, messageType, topic, shape, partitionKey, partitionKeyType, messageId, problems, warnings);
        }

        private static (IPropertySymbol?, MemberTypeClassification?) FindPartitionKey(INamedTypeSymbol type, ObjectShape shape, List<ShapeProblem> warnings)
        {
            var keys = new List<IPropertySymbol>();
            foreach (var member in type.GetMembers())
            {
                if (member is IPropertySymbol { IsStatic: false } property && ObjectShape.HasAttribute(property, KnownNames.PartitionKeyAttribute))
                {
                    keys.Add(property);
                }
            }

            // [PartitionKey] on a positional parameter lands on the parameter, not the property.
            foreach (var constructor in type.InstanceConstructors)
            {
                foreach (var parameter in constructor.Parameters)
                {
                    if (!ObjectShape.HasAttribute(parameter, KnownNames.PartitionKeyAttribute))
                    {
                        continue;
                    }

                    foreach (var member in shape.Members)
                    {
                        if (SymbolEqualityComparer.Default.Equals(member.ConstructorParameter, parameter) && !ContainsProperty(keys, member.Property))
                        {
                            keys.Add(member.Property);
                        }
                    }
                }
            }

            if (keys.Count == 0)
            {
                return (null, null);
            }

            if (keys.Count > 1)
            {
                // The first declared one stays the key, so adding a second [PartitionKey] never changes the partitioning
                // of messages already flowing.
                warnings.Add(new ShapeProblem(ShapeProblemKind.MultiplePartitionKeys, "only one member can be the [PartitionKey], and '" + keys[0].Name + "' (the first) is used", keys[1]));
            }

            var key = keys[0];
            var classification = MemberTypeSupport.Classify(key.Type);
            var keyKind = classification.Kind == MemberTypeKind.Nullable && classification.ElementType is not null
                ? MemberTypeSupport.Classify(classification.ElementType).Kind
                : classification.Kind;
            if (!IsKeyKind(keyKind))
            {
                warnings.Add(new ShapeProblem(
                    ShapeProblemKind.UnsupportedPartitionKeyType,
                    "the [PartitionKey] member '" + key.Name + "' has type " + MemberTypeSupport.Display(key.Type) + "; a key must be a string, Guid, number, enum, char, bool or date/time value, so these messages get no key and no per-key order",
                    key));
                return (null, null);
            }

            return (key, classification);
        }

        /// <summary>Whether a member of this kind can be the <c>[PartitionKey]</c> (a single scalar value).</summary>
        public static bool IsKeyKind(MemberTypeKind kind) =>
            kind >= MemberTypeKind.Boolean && kind <= MemberTypeKind.Enum;

        private static bool ContainsProperty(List<IPropertySymbol> list, IPropertySymbol property)
        {
            foreach (var item in list)
            {
                if (SymbolEqualityComparer.Default.Equals(item, property))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Whether every source declaration of <paramref name="type"/> has the <c>partial</c> modifier.</summary>
        public static bool IsPartial(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            if (type.DeclaringSyntaxReferences.Length == 0)
            {
                return false;
            }

            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration ||
                    !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
