using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace MessageContracts.Shared
{
    /// <summary>How the value of a <c>[MessageId]</c> member becomes the text its message ID is derived from.</summary>
    internal enum MessageIdKind
    {
        /// <summary>The type cannot identify a message: no ID is derived.</summary>
        None = 0,

        /// <summary>A <see cref="string"/>, as it is.</summary>
        String,

        /// <summary>A <c>System.Guid</c>, in its lowercase <c>D</c> format.</summary>
        Guid,

        /// <summary><c>sbyte</c>, <c>byte</c>, <c>short</c>, <c>ushort</c>, <c>int</c>, <c>uint</c> or <c>long</c>, as a <c>long</c> in decimal digits.</summary>
        SignedInteger,

        /// <summary>A <c>ulong</c>, in decimal digits.</summary>
        UnsignedInteger,
    }

    /// <summary>
    /// The rules for a contract's <c>[MessageId]</c> member, in one place for the generator and the analyzers: which
    /// member it is, whether its type can identify a message, and whether it can change after construction.
    /// </summary>
    internal static class MessageIdMember
    {
        /// <summary>
        /// Finds the <c>[MessageId]</c> member of <paramref name="type"/>: the first one declared, and its kind;
        /// <see langword="null"/> when there is none or its type cannot identify a message. Mistakes go to
        /// <paramref name="warnings"/>, each with its defined outcome.
        /// </summary>
        public static (IPropertySymbol Property, MessageIdKind Kind)? Find(INamedTypeSymbol type, ObjectShape shape, List<ShapeProblem> warnings)
        {
            var members = new List<IPropertySymbol>();
            foreach (var member in type.GetMembers())
            {
                if (member is IPropertySymbol { IsStatic: false, IsIndexer: false, GetMethod: not null } property
                    && ObjectShape.HasAttribute(property, KnownNames.MessageIdAttribute))
                {
                    members.Add(property);
                }
            }

            // [MessageId] on a positional parameter lands on the parameter, not the property.
            foreach (var constructor in type.InstanceConstructors)
            {
                foreach (var parameter in constructor.Parameters)
                {
                    if (!ObjectShape.HasAttribute(parameter, KnownNames.MessageIdAttribute))
                    {
                        continue;
                    }

                    foreach (var member in shape.Members)
                    {
                        if (SymbolEqualityComparer.Default.Equals(member.ConstructorParameter, parameter) && !Contains(members, member.Property))
                        {
                            members.Add(member.Property);
                        }
                    }
                }
            }

            if (members.Count == 0)
            {
                return null;
            }

            for (var i = 1; i < members.Count; i++)
            {
                // The first declared one stays the ID's source, so adding a second [MessageId] never changes the IDs
                // of messages already flowing; but messages that differ only in the second member now share an ID.
                warnings.Add(new ShapeProblem(
                    ShapeProblemKind.MultipleMessageIds,
                    "only one member can be the [MessageId], and '" + members[0].Name + "' (the first) is used, so messages that differ only in '" + members[i].Name + "' get the same ID and all but the first are dropped as duplicates",
                    members[i]));
            }

            var chosen = members[0];
            var kind = KindOf(chosen.Type);
            if (kind == MessageIdKind.None)
            {
                warnings.Add(new ShapeProblem(
                    ShapeProblemKind.UnsupportedMessageIdType,
                    "the [MessageId] member '" + chosen.Name + "' has type " + MemberTypeSupport.Display(chosen.Type) + "; a message ID can be derived from a string, a Guid or an integer only, so these messages get a new ID on every publish and a fact published twice is handled twice",
                    chosen));
                return null;
            }

            if (chosen.SetMethod is { IsInitOnly: false })
            {
                warnings.Add(new ShapeProblem(
                    ShapeProblemKind.MutableMessageId,
                    "the [MessageId] member '" + chosen.Name + "' has a 'set' accessor, so its value, and the message ID derived from it, can change after the message was built",
                    chosen));
            }

            return (chosen, kind);
        }

        /// <summary>The kind of a <c>[MessageId]</c> member of type <paramref name="type"/> (a nullable value type counts as its underlying type).</summary>
        public static MessageIdKind KindOf(ITypeSymbol type)
        {
            if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
            {
                type = nullable.TypeArguments[0];
            }

            switch (type.SpecialType)
            {
                case SpecialType.System_String:
                    return MessageIdKind.String;
                case SpecialType.System_SByte:
                case SpecialType.System_Byte:
                case SpecialType.System_Int16:
                case SpecialType.System_UInt16:
                case SpecialType.System_Int32:
                case SpecialType.System_UInt32:
                case SpecialType.System_Int64:
                    return MessageIdKind.SignedInteger;
                case SpecialType.System_UInt64:
                    return MessageIdKind.UnsignedInteger;
            }

            return type is INamedTypeSymbol { Name: "Guid", ContainingType: null, ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } }
                ? MessageIdKind.Guid
                : MessageIdKind.None;
        }

        private static bool Contains(List<IPropertySymbol> list, IPropertySymbol property)
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
    }
}
