using Microsoft.CodeAnalysis;

namespace MessageContracts.Shared
{
    /// <summary>
    /// Which members a payload must contain ("required on the wire"): the one rule the generated readers follow and
    /// that anything describing a contract's wire form (a baseline, a schema) must report. docs/contracts.md,
    /// "Evolving a contract", states it for users.
    /// </summary>
    /// <remarks>
    /// A member is required when the reader has no value of the contract's own to use in its place:
    /// <list type="bullet">
    /// <item>a C# <c>required</c> property (unless the constructor the reader calls is <c>[SetsRequiredMembers]</c>);</item>
    /// <item>a constructor parameter without a default value, whose type cannot be null;</item>
    /// <item>an <c>init</c>/<c>set</c> property without an initializer, whose type cannot be null.</item>
    /// </list>
    /// A type "can be null" when it is a nullable value type (<c>T?</c>), a reference type not annotated as non-nullable
    /// (<c>string?</c>, or any reference in an oblivious context), or <c>ImmutableArray&lt;T&gt;</c> (its default is written
    /// as <c>null</c>): a missing member then reads as <c>null</c> (or the default array), like an explicit <c>null</c>.
    /// Value types are treated like references: a missing <c>decimal Total</c> is an error, not a silent 0.
    /// </remarks>
    internal static class WireRequirement
    {
        /// <summary>Whether a payload without <paramref name="member"/> is invalid.</summary>
        /// <param name="member">The member.</param>
        /// <param name="constructorSetsRequiredMembers">The constructor the reader calls is marked <c>[SetsRequiredMembers]</c>.</param>
        public static bool IsRequired(ShapeMember member, bool constructorSetsRequiredMembers)
        {
            if (member.IsRequired && !constructorSetsRequiredMembers)
            {
                return true;
            }

            if (member.ConstructorParameter is { } parameter)
            {
                return !parameter.HasExplicitDefaultValue && !CanBeNull(member);
            }

            return !HasOwnValue(member, constructorSetsRequiredMembers) && !CanBeNull(member);
        }

        /// <summary>
        /// Whether a property the constructor does not take keeps a value of its own when the payload lacks it: it
        /// has an initializer, or it is <c>required</c> and the constructor sets the required members.
        /// </summary>
        public static bool HasOwnValue(ShapeMember member, bool constructorSetsRequiredMembers) =>
            member.HasInitializer || (member.IsRequired && constructorSetsRequiredMembers);

        /// <summary>Whether the member's type can hold <c>null</c> (or, for <c>ImmutableArray&lt;T&gt;</c>, is written as <c>null</c> when default).</summary>
        public static bool CanBeNull(ShapeMember member)
        {
            var type = member.Property.Type;
            return member.Type.Kind is MemberTypeKind.Nullable or MemberTypeKind.ImmutableArray ||
                (!type.IsValueType && type.NullableAnnotation != NullableAnnotation.NotAnnotated);
        }

        /// <summary>Whether <paramref name="constructor"/> is marked <c>[SetsRequiredMembers]</c>.</summary>
        public static bool SetsRequiredMembers(IMethodSymbol constructor)
        {
            foreach (var attribute in constructor.GetAttributes())
            {
                if (attribute.AttributeClass?.ToDisplayString() == KnownNames.SetsRequiredMembersAttribute)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
