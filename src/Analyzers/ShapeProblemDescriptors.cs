using Microsoft.CodeAnalysis;
using MessageContracts.Shared;

namespace MessageContracts.Analyzers
{
    /// <summary>
    /// Which diagnostic reports each <see cref="ShapeProblemKind"/> the shared contract rules can find. Every kind
    /// must have one: the generator skips a contract with any problem, so an unmapped kind would be a contract that
    /// silently gets no code (a test enforces this).
    /// </summary>
    internal static class ShapeProblemDescriptors
    {
        public static DiagnosticDescriptor? For(ShapeProblemKind kind)
        {
            switch (kind)
            {
                case ShapeProblemKind.NotPartial:
                case ShapeProblemKind.ContainingTypeNotPartial:
                    return DiagnosticDescriptors.ContractNotPartial;
                case ShapeProblemKind.Generic:
                    return DiagnosticDescriptors.ContractIsGeneric;
                case ShapeProblemKind.NotRecord:
                    return DiagnosticDescriptors.ContractNotRecord;
                case ShapeProblemKind.BothEventAndCommand:
                    return DiagnosticDescriptors.ContractIsEventAndCommand;
                case ShapeProblemKind.UnsupportedMemberType:
                    return DiagnosticDescriptors.ContractMemberNotSerializable;
                case ShapeProblemKind.Abstract:
                    return DiagnosticDescriptors.ContractIsAbstract;
                case ShapeProblemKind.InvalidTopic:
                    return DiagnosticDescriptors.InvalidTopic;
                case ShapeProblemKind.NoUsableConstructor:
                case ShapeProblemKind.ConstructorParameterWithoutMember:
                    return DiagnosticDescriptors.ContractNotConstructible;
                case ShapeProblemKind.DuplicateJsonName:
                    return DiagnosticDescriptors.DuplicateJsonName;
                case ShapeProblemKind.MultiplePartitionKeys:
                    return DiagnosticDescriptors.MultiplePartitionKeys;
                case ShapeProblemKind.UnsupportedPartitionKeyType:
                    return DiagnosticDescriptors.UnsupportedPartitionKeyType;
                case ShapeProblemKind.InvalidMessageType:
                    return DiagnosticDescriptors.InvalidMessageType;
                case ShapeProblemKind.MultipleMessageIds:
                    return DiagnosticDescriptors.MultipleMessageIds;
                case ShapeProblemKind.UnsupportedMessageIdType:
                    return DiagnosticDescriptors.UnsupportedMessageIdType;
                case ShapeProblemKind.MutableMessageId:
                    return DiagnosticDescriptors.MutableMessageId;
                default:
                    return null;
            }
        }
    }
}
