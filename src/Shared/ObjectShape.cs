using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace MessageContracts.Shared
{
    /// <summary>What is wrong with a contract or message part. Each value maps to one analyzer diagnostic.</summary>
    internal enum ShapeProblemKind
    {
        NotPartial,
        ContainingTypeNotPartial,
        Generic,
        NotRecord,
        BothEventAndCommand,
        Abstract,
        InvalidTopic,
        UnsupportedMemberType,
        NoUsableConstructor,
        ConstructorParameterWithoutMember,
        DuplicateJsonName,
        MultiplePartitionKeys,
        UnsupportedPartitionKeyType,
        InvalidMessageType,
        MultipleMessageIds,
        UnsupportedMessageIdType,
        MutableMessageId,
    }

    /// <summary>One reason a type cannot be generated. <see cref="Symbol"/> is where to report it (the type or a member).</summary>
    internal readonly struct ShapeProblem
    {
        public ShapeProblem(ShapeProblemKind kind, string message, ISymbol symbol)
        {
            Kind = kind;
            Message = message;
            Symbol = symbol;
        }

        public ShapeProblemKind Kind { get; }

        /// <summary>A sentence fragment that says what is wrong, fit for a diagnostic message.</summary>
        public string Message { get; }

        public ISymbol Symbol { get; }
    }

    /// <summary>A member the generated serializer reads and writes.</summary>
    internal sealed class ShapeMember
    {
        public ShapeMember(IPropertySymbol property, string jsonName, IParameterSymbol? constructorParameter, bool isRequired, bool hasInitializer, MemberTypeClassification type)
        {
            Property = property;
            JsonName = jsonName;
            ConstructorParameter = constructorParameter;
            IsRequired = isRequired;
            HasInitializer = hasInitializer;
            Type = type;
        }

        public IPropertySymbol Property { get; }

        /// <summary>The JSON property name: <c>[JsonPropertyName]</c>, else System.Text.Json's camel case of the property name.</summary>
        public string JsonName { get; }

        /// <summary>The constructor parameter that sets the member, or <see langword="null"/> when it is set by its <c>init</c>/<c>set</c> accessor.</summary>
        public IParameterSymbol? ConstructorParameter { get; }

        /// <summary>The property is declared <c>required</c>.</summary>
        public bool IsRequired { get; }

        /// <summary>The property has an initializer in source (<c>{ get; init; } = ...</c>), so a missing JSON member keeps it.</summary>
        public bool HasInitializer { get; }

        public MemberTypeClassification Type { get; }
    }

    /// <summary>
    /// The shape the generated serializer sees in a record, class or struct: the constructor it calls and the
    /// members it reads and writes. Members are the public instance properties with a public getter that are
    /// either bound to a constructor parameter (matched by name, ignoring case, like System.Text.Json) or have a
    /// public <c>set</c>/<c>init</c> accessor; <c>[JsonIgnore]</c> members are left out and
    /// <c>[JsonPropertyName]</c> renames a member.
    /// </summary>
    internal sealed class ObjectShape
    {
        private ObjectShape(INamedTypeSymbol type, IMethodSymbol? constructor, IReadOnlyList<ShapeMember> members, IReadOnlyList<ShapeProblem> problems)
        {
            Type = type;
            Constructor = constructor;
            Members = members;
            Problems = problems;
        }

        public INamedTypeSymbol Type { get; }

        /// <summary>The constructor the generated reader calls, or <see langword="null"/> when none is usable.</summary>
        public IMethodSymbol? Constructor { get; }

        public IReadOnlyList<ShapeMember> Members { get; }

        public IReadOnlyList<ShapeProblem> Problems { get; }

        /// <summary>
        /// Analyzes <paramref name="type"/>. For a contract (<paramref name="isContract"/>) the generated code lives
        /// inside the type, so the record's primary constructor, or any parameterless constructor, can be used; a
        /// message part needs a public constructor.
        /// </summary>
        public static ObjectShape Analyze(INamedTypeSymbol type, bool isContract, List<ITypeSymbol>? visiting, CancellationToken cancellationToken)
        {
            visiting ??= new List<ITypeSymbol> { type };
            var problems = new List<ShapeProblem>();

            var properties = CollectProperties(type);
            var constructor = ChooseConstructor(type, isContract, cancellationToken);
            if (constructor is null)
            {
                problems.Add(new ShapeProblem(
                    ShapeProblemKind.NoUsableConstructor,
                    MemberTypeSupport.Display(type) + " has no constructor the generated serializer can call (a primary constructor, a public parameterless constructor, a single public constructor, or one marked [JsonConstructor])",
                    type));
            }

            var boundParameters = new Dictionary<IPropertySymbol, IParameterSymbol>(SymbolEqualityComparer.Default);
            if (constructor is not null)
            {
                foreach (var parameter in constructor.Parameters)
                {
                    IPropertySymbol? match = null;
                    foreach (var property in properties)
                    {
                        if (string.Equals(property.Name, parameter.Name, StringComparison.OrdinalIgnoreCase) &&
                            SymbolEqualityComparer.Default.Equals(property.Type, parameter.Type))
                        {
                            match = property;
                            break;
                        }
                    }

                    if (match is null || boundParameters.ContainsKey(match))
                    {
                        problems.Add(new ShapeProblem(
                            ShapeProblemKind.ConstructorParameterWithoutMember,
                            "the constructor parameter '" + parameter.Name + "' has no public property of the same name and type to read it from",
                            parameter));
                    }
                    else
                    {
                        boundParameters[match] = parameter;
                    }
                }
            }

            var members = new List<ShapeMember>();
            var jsonNames = new Dictionary<string, IPropertySymbol>(StringComparer.OrdinalIgnoreCase);
            foreach (var property in properties)
            {
                cancellationToken.ThrowIfCancellationRequested();
                boundParameters.TryGetValue(property, out var parameter);
                var settable = property.SetMethod is { DeclaredAccessibility: Accessibility.Public };
                if (parameter is null && !settable)
                {
                    // A get-only (computed) property: not part of the wire shape.
                    continue;
                }

                var classification = MemberTypeSupport.Classify(property.Type, visiting);
                if (!classification.IsSupported)
                {
                    problems.Add(new ShapeProblem(
                        ShapeProblemKind.UnsupportedMemberType,
                        "the member '" + property.Name + "' has type " + MemberTypeSupport.Display(property.Type) + ": " + classification.Reason,
                        property));
                    continue;
                }

                var jsonName = GetJsonName(property);
                if (jsonNames.TryGetValue(jsonName, out var other))
                {
                    problems.Add(new ShapeProblem(
                        ShapeProblemKind.DuplicateJsonName,
                        "the members '" + other.Name + "' and '" + property.Name + "' have the same JSON name '" + jsonName + "'",
                        property));
                    continue;
                }

                jsonNames.Add(jsonName, property);
                members.Add(new ShapeMember(property, jsonName, parameter, property.IsRequired, HasInitializer(property, cancellationToken), classification));
            }

            return new ObjectShape(type, constructor, members, problems);
        }

        /// <summary>Public instance non-indexer properties with a public getter, most derived first, without <c>[JsonIgnore]</c>.</summary>
        private static List<IPropertySymbol> CollectProperties(INamedTypeSymbol type)
        {
            var result = new List<IPropertySymbol>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object && current.SpecialType != SpecialType.System_ValueType; current = current.BaseType)
            {
                foreach (var member in current.GetMembers())
                {
                    if (member is not IPropertySymbol property ||
                        property.IsStatic ||
                        property.IsIndexer ||
                        property.DeclaredAccessibility != Accessibility.Public ||
                        property.GetMethod is not { DeclaredAccessibility: Accessibility.Public } ||
                        property.ReturnsByRef ||
                        property.ReturnsByRefReadonly)
                    {
                        continue;
                    }

                    // A derived declaration (override or new) hides the base one.
                    if (!names.Add(property.Name) || IsJsonIgnored(property))
                    {
                        continue;
                    }

                    result.Add(property);
                }
            }

            return result;
        }

        private static IMethodSymbol? ChooseConstructor(INamedTypeSymbol type, bool isContract, CancellationToken cancellationToken)
        {
            IMethodSymbol? primary = null;
            IMethodSymbol? parameterless = null;
            IMethodSymbol? singlePublic = null;
            var publicCount = 0;
            foreach (var constructor in type.InstanceConstructors)
            {
                var usable = isContract || constructor.DeclaredAccessibility == Accessibility.Public;
                if (!usable)
                {
                    continue;
                }

                if (HasAttribute(constructor, KnownNames.JsonConstructorAttribute))
                {
                    return constructor;
                }

                if (IsCopyConstructor(type, constructor))
                {
                    continue;
                }

                if (primary is null && IsPrimaryConstructor(constructor, cancellationToken))
                {
                    primary = constructor;
                }

                if (constructor.Parameters.Length == 0)
                {
                    parameterless = constructor;
                }

                if (constructor.DeclaredAccessibility == Accessibility.Public)
                {
                    publicCount++;
                    singlePublic = constructor;
                }
            }

            return primary ?? parameterless ?? (publicCount == 1 ? singlePublic : null);
        }

        private static bool IsCopyConstructor(INamedTypeSymbol type, IMethodSymbol constructor) =>
            constructor.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(constructor.Parameters[0].Type, type);

        private static bool IsPrimaryConstructor(IMethodSymbol constructor, CancellationToken cancellationToken)
        {
            if (constructor.IsImplicitlyDeclared && constructor.Parameters.Length == 0)
            {
                return false;
            }

            foreach (var reference in constructor.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax { ParameterList: not null })
                {
                    return true;
                }
            }

            return false;
        }

        private static bool HasInitializer(IPropertySymbol property, CancellationToken cancellationToken)
        {
            foreach (var reference in property.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is PropertyDeclarationSyntax { Initializer: not null })
                {
                    return true;
                }
            }

            return false;
        }

        private static string GetJsonName(IPropertySymbol property)
        {
            foreach (var attribute in property.GetAttributes())
            {
                if (attribute.AttributeClass?.ToDisplayString() == KnownNames.JsonPropertyNameAttribute &&
                    attribute.ConstructorArguments.Length == 1 &&
                    attribute.ConstructorArguments[0].Value is string name &&
                    name.Length > 0)
                {
                    return name;
                }
            }

            return MessageNaming.ToCamelCase(property.Name);
        }

        private static bool IsJsonIgnored(IPropertySymbol property)
        {
            foreach (var attribute in property.GetAttributes())
            {
                if (attribute.AttributeClass?.ToDisplayString() != KnownNames.JsonIgnoreAttribute)
                {
                    continue;
                }

                // JsonIgnoreCondition.Always (1) is the default; the conditional forms still write the member.
                foreach (var argument in attribute.NamedArguments)
                {
                    if (argument.Key == "Condition" && argument.Value.Value is int condition && condition != 1)
                    {
                        return false;
                    }
                }

                return true;
            }

            return false;
        }

        internal static bool HasAttribute(ISymbol symbol, string metadataName)
        {
            foreach (var attribute in symbol.GetAttributes())
            {
                if (attribute.AttributeClass?.ToDisplayString() == metadataName)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
