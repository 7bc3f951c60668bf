using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using MessageContracts.Generators.Model;
using MessageContracts.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace MessageContracts.Generators.Parsing
{
    /// <summary>
    /// Turns an <c>[Event]</c>/<c>[Command]</c> type into a <see cref="ContractSpec"/>, or <see langword="null"/>
    /// when the type is invalid (the analyzers report why; the rules live in <see cref="ContractShape"/>).
    /// </summary>
    internal static class ContractParser
    {
        public static ContractSpec? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not INamedTypeSymbol type)
            {
                return null;
            }

            // [Event] twice on two partial declarations is a compiler error already; generating twice would clash.
            var markers = 0;
            foreach (var attribute in type.GetAttributes())
            {
                if (ContractAttributes.IsKindAttribute(attribute))
                {
                    markers++;
                }
            }

            if (markers != 1)
            {
                return null;
            }

            var shape = ContractShape.Analyze(type, cancellationToken);
            if (!shape.IsValid || shape.Object?.Constructor is null)
            {
                return null;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var builder = new SpecBuilder(context.SemanticModel.Compilation, cancellationToken);
            var objectSpec = builder.BuildObject(shape.Object, isContract: true);

            var containingTypes = new List<TypeDeclarationSpec>();
            for (var containing = type.ContainingType; containing is not null; containing = containing.ContainingType)
            {
                containingTypes.Insert(0, new TypeDeclarationSpec(GetKeywords(containing), Names.Identifier(containing.Name)));
            }

            var ns = type.ContainingNamespace is { IsGlobalNamespace: false } containingNamespace
                ? containingNamespace.ToDisplayString()
                : null;

            PartitionKeySpec? key = null;
            if (shape.PartitionKey is { } keyProperty && shape.PartitionKeyType is { } keyType)
            {
                var isNullable = keyType.Kind == MemberTypeKind.Nullable;
                var kind = isNullable && keyType.ElementType is not null ? MemberTypeSupport.Classify(keyType.ElementType).Kind : keyType.Kind;
                key = new PartitionKeySpec(Names.Identifier(keyProperty.Name), kind, isNullable);
            }

            var messageId = shape.MessageId is { } idMember
                ? new MessageIdSpec(Names.Identifier(idMember.Property.Name), idMember.Kind)
                : null;

            var displayName = type.ToDisplayString();
            var shared = builder.SharedTypes();
            return new ContractSpec(
                HintName: displayName + ".Contract",
                Namespace: ns,
                ContainingTypes: containingTypes.ToEquatableArray(),
                Declaration: new TypeDeclarationSpec(GetKeywords(type), Names.Identifier(type.Name)),
                FullyQualifiedName: type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                DisplayName: displayName,
                Kind: shape.Kind,
                MessageType: shape.MessageType,
                Topic: shape.Topic,
                Object: objectSpec,
                Parts: builder.Parts.Where(p => !shared.Contains(p.FullyQualifiedName)).OrderBy(p => p.FullyQualifiedName, StringComparer.Ordinal).ToEquatableArray(),
                Enums: builder.Enums.Where(e => !shared.Contains(e.FullyQualifiedName)).OrderBy(e => e.FullyQualifiedName, StringComparer.Ordinal).ToEquatableArray(),
                SharedParts: builder.Parts.Where(p => shared.Contains(p.FullyQualifiedName)).OrderBy(p => p.FullyQualifiedName, StringComparer.Ordinal).ToEquatableArray(),
                SharedEnums: builder.Enums.Where(e => shared.Contains(e.FullyQualifiedName)).OrderBy(e => e.FullyQualifiedName, StringComparer.Ordinal).ToEquatableArray(),
                PartitionKey: key,
                MessageId: messageId,
                Delivery: ContractDeliveries.EffectiveOf(type));
        }

        /// <summary>The keywords for a partial re-declaration of <paramref name="type"/>, e.g. <c>readonly partial record struct</c>.</summary>
        private static string GetKeywords(INamedTypeSymbol type)
        {
            var prefix = type.IsStatic ? "static " : string.Empty;
            if (type.TypeKind == TypeKind.Struct)
            {
                prefix += (type.IsReadOnly ? "readonly " : string.Empty) + (type.IsRefLikeType ? "ref " : string.Empty);
            }

            var keyword = type.TypeKind switch
            {
                TypeKind.Interface => "interface",
                TypeKind.Struct => type.IsRecord ? "record struct" : "struct",
                _ => type.IsRecord ? "record" : "class",
            };

            return prefix + "partial " + keyword;
        }

        /// <summary>Builds the equatable specs, collecting the message parts and enums a contract uses.</summary>
        private sealed class SpecBuilder
        {
            private static readonly SymbolDisplayFormat TypeNameFormat = SymbolDisplayFormat.FullyQualifiedFormat;
            private readonly Compilation compilation;
            private readonly CancellationToken cancellationToken;
            private readonly Dictionary<string, ObjectSpec?> parts = new(StringComparer.Ordinal);
            private readonly Dictionary<string, EnumSpec> enums = new(StringComparer.Ordinal);
            private readonly HashSet<string> visibleToAssembly = new(StringComparer.Ordinal);

            public SpecBuilder(Compilation compilation, CancellationToken cancellationToken)
            {
                this.compilation = compilation;
                this.cancellationToken = cancellationToken;
            }

            public IEnumerable<ObjectSpec> Parts => parts.Values.Where(p => p is not null)!;

            public IEnumerable<EnumSpec> Enums => enums.Values;

            /// <summary>
            /// The parts and enums whose serializers can be shared by the whole compilation: those code anywhere in
            /// the assembly can name (not private, protected or file-local, nor nested in such a type), and whose
            /// members use only such types. The rest stay in the contract's own file, which can see them.
            /// </summary>
            public HashSet<string> SharedTypes()
            {
                var shared = new HashSet<string>(visibleToAssembly, StringComparer.Ordinal);
                bool changed;
                do
                {
                    changed = false;
                    foreach (var part in Parts)
                    {
                        if (shared.Contains(part.FullyQualifiedName) && part.Members.Any(m => !UsesOnly(m.Type, shared)))
                        {
                            shared.Remove(part.FullyQualifiedName);
                            changed = true;
                        }
                    }
                }
                while (changed);

                return shared;
            }

            private static bool UsesOnly(TypeSpec type, HashSet<string> shared) =>
                (type.Reference is null || shared.Contains(type.Reference)) && (type.Element is null || UsesOnly(type.Element, shared));

            private void NoteVisibility(INamedTypeSymbol type, string key)
            {
                for (var current = type; current is not null; current = current.ContainingType)
                {
                    if (current.IsFileLocal)
                    {
                        return;
                    }
                }

                if (compilation.IsSymbolAccessibleWithin(type, compilation.Assembly))
                {
                    visibleToAssembly.Add(key);
                }
            }

            public ObjectSpec BuildObject(ObjectShape shape, bool isContract)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var constructor = shape.Constructor!;
                var setsRequired = WireRequirement.SetsRequiredMembers(constructor);
                var members = new List<MemberSpec>();
                foreach (var member in shape.Members)
                {
                    var property = member.Property;
                    var type = BuildType(property.Type, member.Type);
                    var required = WireRequirement.IsRequired(member, setsRequired);
                    MemberAssignment assignment;
                    var defaultValue = "default!";
                    var constructorIndex = -1;
                    if (member.ConstructorParameter is { } parameter)
                    {
                        assignment = MemberAssignment.Constructor;
                        constructorIndex = parameter.Ordinal;
                        if (parameter.HasExplicitDefaultValue)
                        {
                            defaultValue = FormatDefaultValue(parameter, type.TypeName);
                        }
                    }
                    else if (member.IsRequired && !setsRequired)
                    {
                        assignment = MemberAssignment.ObjectInitializer;
                    }
                    else if (property.SetMethod is { IsInitOnly: true })
                    {
                        // A member with a value of its own is set only when the payload has it, so that value survives.
                        assignment = !WireRequirement.HasOwnValue(member, setsRequired) ? MemberAssignment.ObjectInitializer
                            : shape.Type.IsRecord || shape.Type.IsValueType ? MemberAssignment.WithExpression
                            : MemberAssignment.TemplateInitializer;
                    }
                    else
                    {
                        assignment = MemberAssignment.Setter;
                    }

                    members.Add(new MemberSpec(
                        Names.Identifier(property.Name),
                        member.JsonName,
                        type,
                        assignment,
                        constructorIndex,
                        required,
                        defaultValue,
                        IsRequired: member.IsRequired && !setsRequired));
                }

                return new ObjectSpec(
                    shape.Type.ToDisplayString(TypeNameFormat),
                    shape.Type.ToDisplayString(),
                    shape.Type.IsValueType,
                    shape.Type.IsRecord,
                    members.ToEquatableArray());
            }

            private TypeSpec BuildType(ITypeSymbol type, MemberTypeClassification classification)
            {
                var isValueType = type.IsValueType;
                var allowsNull = classification.Kind == MemberTypeKind.Nullable ||
                    (!isValueType && type.NullableAnnotation != NullableAnnotation.NotAnnotated);
                var nullableSuffix = allowsNull && !isValueType ? "?" : string.Empty;
                TypeSpec? element = null;
                string? reference = null;
                string typeName;
                switch (classification.Kind)
                {
                    case MemberTypeKind.Nullable:
                        element = BuildElement(classification.ElementType!);
                        typeName = element.TypeName + "?";
                        break;
                    case MemberTypeKind.Array:
                        element = BuildElement(classification.ElementType!);
                        typeName = element.TypeName + "[]" + nullableSuffix;
                        break;
                    case MemberTypeKind.List:
                    case MemberTypeKind.ListInterface:
                    case MemberTypeKind.Set:
                    case MemberTypeKind.ImmutableArray:
                    case MemberTypeKind.ImmutableList:
                        element = BuildElement(classification.ElementType!);
                        typeName = GenericName(type, element.TypeName) + nullableSuffix;
                        break;
                    case MemberTypeKind.Dictionary:
                        element = BuildElement(classification.ElementType!);
                        typeName = GenericName(type, "string, " + element.TypeName) + nullableSuffix;
                        break;
                    case MemberTypeKind.ByteArray:
                        typeName = "byte[]" + nullableSuffix;
                        break;
                    case MemberTypeKind.Enum:
                        reference = type.ToDisplayString(TypeNameFormat);
                        typeName = reference;
                        AddEnum((INamedTypeSymbol)type, reference);
                        break;
                    case MemberTypeKind.Object:
                        reference = type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(TypeNameFormat);
                        typeName = reference + nullableSuffix;
                        AddPart((INamedTypeSymbol)type, reference);
                        break;
                    default:
                        typeName = type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(TypeNameFormat) + nullableSuffix;
                        break;
                }

                return new TypeSpec(classification.Kind, typeName, allowsNull, isValueType, element, reference);
            }

            /// <summary><c>global::Namespace.Name&lt;arguments&gt;</c> for a framework collection type.</summary>
            private static string GenericName(ITypeSymbol type, string arguments) =>
                "global::" + type.ContainingNamespace.ToDisplayString() + "." + type.Name + "<" + arguments + ">";

            private TypeSpec BuildElement(ITypeSymbol elementType) => BuildType(elementType, MemberTypeSupport.Classify(elementType));

            private void AddPart(INamedTypeSymbol type, string key)
            {
                if (parts.ContainsKey(key))
                {
                    return;
                }

                parts[key] = null; // reserve the key before recursing
                NoteVisibility(type, key);
                var shape = ObjectShape.Analyze(type, isContract: false, null, cancellationToken);
                parts[key] = BuildObject(shape, isContract: false);
            }

            private void AddEnum(INamedTypeSymbol type, string key)
            {
                if (enums.ContainsKey(key))
                {
                    return;
                }

                NoteVisibility(type, key);
                var values = new List<object>();
                var names = new List<string>();
                var allNames = new List<string>();
                foreach (var member in type.GetMembers())
                {
                    if (member is not IFieldSymbol { HasConstantValue: true, ConstantValue: { } value } field)
                    {
                        continue;
                    }

                    allNames.Add(field.Name);
                    if (!values.Contains(value))
                    {
                        values.Add(value);
                        names.Add(field.Name);
                    }
                }

                var underlying = type.EnumUnderlyingType?.SpecialType ?? SpecialType.System_Int32;
                var readerMethod = underlying switch
                {
                    SpecialType.System_Byte => "GetByte",
                    SpecialType.System_SByte => "GetSByte",
                    SpecialType.System_Int16 => "GetInt16",
                    SpecialType.System_UInt16 => "GetUInt16",
                    SpecialType.System_UInt32 => "GetUInt32",
                    SpecialType.System_Int64 => "GetInt64",
                    SpecialType.System_UInt64 => "GetUInt64",
                    _ => "GetInt32",
                };

                enums[key] = new EnumSpec(
                    key,
                    type.EnumUnderlyingType?.ToDisplayString() ?? "int",
                    readerMethod,
                    names.ToEquatableArray(),
                    allNames.ToEquatableArray());
            }

            private static string FormatDefaultValue(IParameterSymbol parameter, string typeName)
            {
                var value = parameter.ExplicitDefaultValue;
                if (value is null)
                {
                    return "default!";
                }

                var literal = value switch
                {
                    string s => SymbolDisplay.FormatLiteral(s, quote: true),
                    char c => SymbolDisplay.FormatLiteral(c, quote: true),
                    bool b => b ? "true" : "false",
                    float f => f.ToString("R", CultureInfo.InvariantCulture) + "F",
                    double d => d.ToString("R", CultureInfo.InvariantCulture) + "D",
                    decimal m => m.ToString(CultureInfo.InvariantCulture) + "M",
                    long l => l.ToString(CultureInfo.InvariantCulture) + "L",
                    ulong ul => ul.ToString(CultureInfo.InvariantCulture) + "UL",
                    uint ui => ui.ToString(CultureInfo.InvariantCulture) + "U",
                    IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                    _ => null,
                };

                if (literal is null || (value is double dd && (double.IsNaN(dd) || double.IsInfinity(dd))) || (value is float ff && (float.IsNaN(ff) || float.IsInfinity(ff))))
                {
                    // NaN and infinities have no literal; the compile-time constant still converts through its type.
                    return value switch
                    {
                        double d2 when double.IsNaN(d2) => "(" + typeName + ")double.NaN",
                        double d2 when double.IsPositiveInfinity(d2) => "(" + typeName + ")double.PositiveInfinity",
                        double => "(" + typeName + ")double.NegativeInfinity",
                        float f2 when float.IsNaN(f2) => "(" + typeName + ")float.NaN",
                        float f2 when float.IsPositiveInfinity(f2) => "(" + typeName + ")float.PositiveInfinity",
                        float => "(" + typeName + ")float.NegativeInfinity",
                        _ => "default!",
                    };
                }

                return "(" + typeName + ")(" + literal + ")";
            }
        }
    }

    /// <summary>Identifier helpers.</summary>
    internal static class Names
    {
        /// <summary>Escapes a reserved keyword used as an identifier (<c>@class</c>).</summary>
        public static string Identifier(string name) =>
            SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;
    }
}
