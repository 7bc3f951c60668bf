using MessageContracts.Shared;

namespace MessageContracts.Generators.Model
{
    /// <summary>How a contract or message part is read and written.</summary>
    /// <param name="FullyQualifiedName"><c>global::</c>-qualified type name.</param>
    /// <param name="DisplayName">The name used in error messages.</param>
    /// <param name="IsValueType">A struct (no null checks, no <c>is null</c>).</param>
    /// <param name="IsRecord">A record (so <c>with</c> can keep an <c>init</c> member's initializer value).</param>
    /// <param name="Members">In declaration order (most derived type first).</param>
    internal sealed record ObjectSpec(
        string FullyQualifiedName,
        string DisplayName,
        bool IsValueType,
        bool IsRecord,
        EquatableArray<MemberSpec> Members);

    /// <summary>How the reader sets a member.</summary>
    internal enum MemberAssignment
    {
        /// <summary>A constructor argument (<see cref="MemberSpec.ConstructorIndex"/>).</summary>
        Constructor,

        /// <summary>Always in the object initializer (<c>init</c> or <c>required</c>).</summary>
        ObjectInitializer,

        /// <summary>An <c>init</c> member with an initializer on a record or struct: applied with <c>with</c> only when present.</summary>
        WithExpression,

        /// <summary>
        /// An <c>init</c> member with an initializer on a class that is not a record (no <c>with</c>): in the object
        /// initializer, from the payload when present, else from a template instance constructed first, so its
        /// initializer's value survives.
        /// </summary>
        TemplateInitializer,

        /// <summary>A <c>set</c> member: assigned after construction only when present, so its initializer survives.</summary>
        Setter,
    }

    /// <summary>One serialized member.</summary>
    /// <param name="PropertyName">The C# property name.</param>
    /// <param name="JsonName">The JSON property name.</param>
    /// <param name="Type">The member's type.</param>
    /// <param name="Assignment">How the reader sets it.</param>
    /// <param name="ConstructorIndex">Position in the constructor's parameter list, or -1.</param>
    /// <param name="ThrowIfMissing">A missing JSON member is an error: the member is required on the wire (<c>WireRequirement</c>).</param>
    /// <param name="DefaultValue">The C# expression used when the member is missing and may be: a parameter's default value, or <c>default!</c>.</param>
    /// <param name="IsRequired">A <c>required</c> member the constructor does not set: it must appear in the object initializer.</param>
    internal sealed record MemberSpec(
        string PropertyName,
        string JsonName,
        TypeSpec Type,
        MemberAssignment Assignment,
        int ConstructorIndex,
        bool ThrowIfMissing,
        string DefaultValue,
        bool IsRequired);

    /// <summary>A member type, recursively for nullable values and collections.</summary>
    /// <param name="Kind">The shared classification.</param>
    /// <param name="TypeName">The C# type to declare locals with (<c>global::</c>-qualified, with <c>?</c> where null is allowed).</param>
    /// <param name="AllowsNull">JSON <c>null</c> is accepted (a nullable value type, or a reference type not annotated non-nullable).</param>
    /// <param name="IsValueType">A value type.</param>
    /// <param name="Element">The element type of a nullable value or collection.</param>
    /// <param name="Reference">For enums and parts: the fully qualified name of the enum or part (keys <see cref="ContractSpec.Enums"/>/<see cref="ContractSpec.Parts"/>).</param>
    internal sealed record TypeSpec(
        MemberTypeKind Kind,
        string TypeName,
        bool AllowsNull,
        bool IsValueType,
        TypeSpec? Element,
        string? Reference);

    /// <summary>An enum written by name.</summary>
    /// <param name="FullyQualifiedName"><c>global::</c>-qualified enum name.</param>
    /// <param name="UnderlyingType">The C# keyword of the underlying type, e.g. <c>int</c>.</param>
    /// <param name="ReaderMethod">The <c>Utf8JsonReader</c> method for the underlying type, e.g. <c>GetInt32</c>.</param>
    /// <param name="Members">Names, one per distinct value (the first declared wins), in declaration order.</param>
    /// <param name="AllNames">Every member name (aliases included), for reading.</param>
    internal sealed record EnumSpec(
        string FullyQualifiedName,
        string UnderlyingType,
        string ReaderMethod,
        EquatableArray<string> Members,
        EquatableArray<string> AllNames);
}
