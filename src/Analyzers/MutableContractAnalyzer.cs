using System.Collections.Generic;
using System.Collections.Immutable;
using MessageContracts.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace MessageContracts.Analyzers
{
    /// <summary>
    /// MC0017: a contract that can change after it is created: a property with a <c>set</c> accessor (also the
    /// properties of a positional <c>record struct</c> that is not <c>readonly</c>), a writable field, or a member
    /// whose type is a mutable collection. Members left out of the message with <c>[JsonIgnore]</c>, private members
    /// and static members are not part of the message and are not reported.
    /// </summary>
    /// <remarks>
    /// The diagnostic's <see cref="MutableMembers.FixProperty"/> tells the code fix what it can change: a setter
    /// becomes <c>init</c>, a positional record struct becomes <c>readonly</c>; a collection type needs a person.
    /// </remarks>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class MutableContractAnalyzer : MessageContractsAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(DiagnosticDescriptors.MutableContract);

        private protected override void OnCompilationStart(CompilationStartAnalysisContext context, KnownTypes known)
        {
            INamedTypeSymbol? jsonIgnore = context.Compilation.GetTypeByMetadataName(KnownNames.JsonIgnoreAttribute);
            context.RegisterSymbolAction(
                symbolContext =>
                {
                    var type = (INamedTypeSymbol)symbolContext.Symbol;
                    if ((type.TypeKind != TypeKind.Class && type.TypeKind != TypeKind.Struct)
                        || known.GetContractKinds(type) == ContractKinds.None)
                    {
                        return;
                    }

                    foreach (ISymbol member in type.GetMembers())
                    {
                        if (member.IsStatic || member.DeclaredAccessibility == Accessibility.Private || KnownTypes.HasAttribute(member, jsonIgnore))
                        {
                            continue;
                        }

                        foreach (MutableMember problem in MutableMembers.Find(member))
                        {
                            symbolContext.ReportDiagnostic(Diagnostic.Create(
                                DiagnosticDescriptors.MutableContract,
                                problem.Location,
                                problem.Fix is null ? ImmutableDictionary<string, string?>.Empty : ImmutableDictionary<string, string?>.Empty.Add(MutableMembers.FixProperty, problem.Fix),
                                type.ToDisplayString(),
                                member.Name,
                                problem.What,
                                problem.Instead));
                        }
                    }
                },
                SymbolKind.NamedType);
        }
    }

    /// <summary>One way a contract member can change: what it is, what to do instead, and which fix applies.</summary>
    internal readonly struct MutableMember
    {
        public MutableMember(Location location, string what, string instead, string? fix)
        {
            Location = location;
            What = what;
            Instead = instead;
            Fix = fix;
        }

        public Location Location { get; }

        public string What { get; }

        public string Instead { get; }

        public string? Fix { get; }
    }

    /// <summary>The rules of MC0017 for one member.</summary>
    internal static class MutableMembers
    {
        /// <summary>The diagnostic property that names the code fix (absent when there is none).</summary>
        public const string FixProperty = "MessageContracts.Fix";

        /// <summary>Change the <c>set</c> accessor to <c>init</c>.</summary>
        public const string SetToInit = "SetToInit";

        /// <summary>Add <c>readonly</c> to a positional <c>record struct</c>.</summary>
        public const string MakeReadOnly = "MakeReadOnly";

        public static IEnumerable<MutableMember> Find(ISymbol member)
        {
            Location? location = SourceLocation(member);
            if (location is null)
            {
                yield break; // inherited from metadata or generated: nothing here to change
            }

            ITypeSymbol? memberType = null;
            if (member is IPropertySymbol property && !property.IsIndexer)
            {
                memberType = property.Type;
                if (property.SetMethod is { IsInitOnly: false })
                {
                    bool positional = property.IsImplicitlyDeclared || IsPositional(property);
                    yield return positional
                        ? new MutableMember(location, "can be set (a positional record struct's properties have setters)", "declare it as a 'readonly record struct'", MakeReadOnly)
                        : new MutableMember(location, "has a 'set' accessor", "use 'init' instead", SetToInit);
                }
            }
            else if (member is IFieldSymbol { IsImplicitlyDeclared: false, IsConst: false } field)
            {
                memberType = field.Type;
                if (!field.IsReadOnly)
                {
                    yield return new MutableMember(location, "is a writable field", "make it a property with 'init' or a 'readonly' field", fix: null);
                }
            }

            if (memberType is not null && IsMutableCollection(memberType))
            {
                yield return new MutableMember(
                    location,
                    "is a mutable collection (" + memberType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) + ")",
                    "use a read-only type such as IReadOnlyList<T>, IReadOnlyDictionary<TKey, TValue> or ImmutableArray<T>",
                    fix: null);
            }
        }

        /// <summary>
        /// Arrays (except <c>byte[]</c>, the usual shape of a binary payload) and the writable collection classes and
        /// interfaces of System.Collections.Generic and System.Collections.ObjectModel.
        /// </summary>
        public static bool IsMutableCollection(ITypeSymbol type)
        {
            if (type is IArrayTypeSymbol array)
            {
                return array.ElementType.SpecialType != SpecialType.System_Byte;
            }

            if (type is not INamedTypeSymbol named)
            {
                return false;
            }

            string ns = named.OriginalDefinition.ContainingNamespace?.ToDisplayString() ?? string.Empty;
            switch (named.OriginalDefinition.MetadataName)
            {
                case "List`1":
                case "Dictionary`2":
                case "HashSet`1":
                case "SortedSet`1":
                case "SortedDictionary`2":
                case "SortedList`2":
                case "LinkedList`1":
                case "Queue`1":
                case "Stack`1":
                case "IList`1":
                case "ICollection`1":
                case "IDictionary`2":
                case "ISet`1":
                    return ns == "System.Collections.Generic";
                case "Collection`1":
                case "ObservableCollection`1":
                    return ns == "System.Collections.ObjectModel";
                default:
                    return false;
            }
        }

        private static bool IsPositional(IPropertySymbol property)
        {
            foreach (SyntaxReference reference in property.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax() is Microsoft.CodeAnalysis.CSharp.Syntax.ParameterSyntax)
                {
                    return true;
                }
            }

            return false;
        }

        private static Location? SourceLocation(ISymbol member)
        {
            foreach (Location location in member.Locations)
            {
                if (location.IsInSource)
                {
                    return location;
                }
            }

            return null;
        }
    }
}
