using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace MessageContracts.Shared
{
    /// <summary>How the generated serializer writes a member type.</summary>
    internal enum MemberTypeKind
    {
        /// <summary>The generated serializer cannot write the type; see <see cref="MemberTypeClassification.Reason"/>.</summary>
        Unsupported = 0,
        Boolean,
        Byte,
        SByte,
        Int16,
        UInt16,
        Int32,
        UInt32,
        Int64,
        UInt64,
        Single,
        Double,
        Decimal,
        String,
        /// <summary>A <see cref="char"/>, written as a one-character string.</summary>
        Char,
        Guid,
        DateTime,
        DateTimeOffset,
        DateOnly,
        TimeOnly,
        /// <summary>A <c>TimeSpan</c>, written in the constant (<c>"c"</c>) format.</summary>
        TimeSpan,
        /// <summary>An enum, written by member name (numbers for values without a name).</summary>
        Enum,
        /// <summary>A <c>byte[]</c>, written as a Base64 string like System.Text.Json does.</summary>
        ByteArray,
        /// <summary><c>Nullable&lt;T&gt;</c>; the element type is <c>T</c>.</summary>
        Nullable,
        /// <summary><c>T[]</c>.</summary>
        Array,
        /// <summary><c>List&lt;T&gt;</c>.</summary>
        List,
        /// <summary>
        /// An interface <c>List&lt;T&gt;</c> implements: <c>IReadOnlyList&lt;T&gt;</c>, <c>IReadOnlyCollection&lt;T&gt;</c>,
        /// <c>IEnumerable&lt;T&gt;</c>, <c>IList&lt;T&gt;</c> or <c>ICollection&lt;T&gt;</c>; read as a <c>List&lt;T&gt;</c>.
        /// </summary>
        ListInterface,
        /// <summary>A nested record, class or struct (not itself a contract) whose members are all supported.</summary>
        Object,
        /// <summary><c>HashSet&lt;T&gt;</c>, <c>ISet&lt;T&gt;</c> or <c>IReadOnlySet&lt;T&gt;</c>: a JSON array, read as a <c>HashSet&lt;T&gt;</c>.</summary>
        Set,
        /// <summary><c>ImmutableArray&lt;T&gt;</c>: a JSON array; a default (uninitialized) array is written as <c>null</c> and read back as default.</summary>
        ImmutableArray,
        /// <summary><c>ImmutableList&lt;T&gt;</c> or <c>IImmutableList&lt;T&gt;</c>: a JSON array, read as an <c>ImmutableList&lt;T&gt;</c>.</summary>
        ImmutableList,
        /// <summary>
        /// <c>Dictionary&lt;string, T&gt;</c>, <c>IDictionary&lt;string, T&gt;</c> or <c>IReadOnlyDictionary&lt;string, T&gt;</c>:
        /// a JSON object whose property names are the keys as they are (no camel case, like System.Text.Json); read as a
        /// <c>Dictionary&lt;string, T&gt;</c>. The element type is <c>T</c>.
        /// </summary>
        Dictionary,
    }

    /// <summary>The result of <see cref="MemberTypeSupport.Classify(ITypeSymbol)"/>.</summary>
    internal readonly struct MemberTypeClassification
    {
        public MemberTypeClassification(MemberTypeKind kind, ITypeSymbol type, ITypeSymbol? elementType, string? reason)
        {
            Kind = kind;
            Type = type;
            ElementType = elementType;
            Reason = reason;
        }

        public MemberTypeKind Kind { get; }

        /// <summary>The classified type.</summary>
        public ITypeSymbol Type { get; }

        /// <summary>For <see cref="MemberTypeKind.Nullable"/> and the collection kinds: the element type.</summary>
        public ITypeSymbol? ElementType { get; }

        /// <summary>Why the type is not supported (a sentence fragment fit for a diagnostic), or <see langword="null"/>.</summary>
        public string? Reason { get; }

        public bool IsSupported => Kind != MemberTypeKind.Unsupported;

        /// <summary>Whether the kind is a scalar (written as one JSON token by a single call).</summary>
        public bool IsScalar => Kind >= MemberTypeKind.Boolean && Kind <= MemberTypeKind.ByteArray;

        public void Deconstruct(out MemberTypeKind kind, out string? reason)
        {
            kind = Kind;
            reason = Reason;
        }
    }

    /// <summary>
    /// The one rule for which member types the generated serializer supports. The generator skips contracts
    /// with an unsupported member; the analyzers report them with <see cref="MemberTypeClassification.Reason"/>.
    /// </summary>
    internal static class MemberTypeSupport
    {
        /// <summary>Classifies a contract member's type.</summary>
        public static MemberTypeClassification Classify(ITypeSymbol type) => Classify(type, new List<ITypeSymbol>());

        internal static MemberTypeClassification Classify(ITypeSymbol type, List<ITypeSymbol> visiting)
        {
            switch (type.SpecialType)
            {
                case SpecialType.System_Boolean: return Supported(MemberTypeKind.Boolean, type);
                case SpecialType.System_Byte: return Supported(MemberTypeKind.Byte, type);
                case SpecialType.System_SByte: return Supported(MemberTypeKind.SByte, type);
                case SpecialType.System_Int16: return Supported(MemberTypeKind.Int16, type);
                case SpecialType.System_UInt16: return Supported(MemberTypeKind.UInt16, type);
                case SpecialType.System_Int32: return Supported(MemberTypeKind.Int32, type);
                case SpecialType.System_UInt32: return Supported(MemberTypeKind.UInt32, type);
                case SpecialType.System_Int64: return Supported(MemberTypeKind.Int64, type);
                case SpecialType.System_UInt64: return Supported(MemberTypeKind.UInt64, type);
                case SpecialType.System_Single: return Supported(MemberTypeKind.Single, type);
                case SpecialType.System_Double: return Supported(MemberTypeKind.Double, type);
                case SpecialType.System_Decimal: return Supported(MemberTypeKind.Decimal, type);
                case SpecialType.System_String: return Supported(MemberTypeKind.String, type);
                case SpecialType.System_Char: return Supported(MemberTypeKind.Char, type);
                case SpecialType.System_DateTime: return Supported(MemberTypeKind.DateTime, type);
                case SpecialType.System_Object: return Unsupported(type, "'object' has no fixed shape; use a concrete type");
                case SpecialType.System_IntPtr:
                case SpecialType.System_UIntPtr:
                    return Unsupported(type, "native-sized integers are not supported; use int or long");
            }

            switch (type.TypeKind)
            {
                case TypeKind.Dynamic:
                    return Unsupported(type, "'dynamic' has no fixed shape; use a concrete type");
                case TypeKind.TypeParameter:
                    return Unsupported(type, "type parameters are not supported");
                case TypeKind.Pointer:
                case TypeKind.FunctionPointer:
                    return Unsupported(type, "pointers are not supported");
                case TypeKind.Delegate:
                    return Unsupported(type, "delegates cannot be serialized");
                case TypeKind.Error:
                    return Unsupported(type, "the type could not be resolved");
                case TypeKind.Enum:
                    return Supported(MemberTypeKind.Enum, type);
                case TypeKind.Array:
                    return ClassifyArray((IArrayTypeSymbol)type, visiting);
            }

            if (type is not INamedTypeSymbol named)
            {
                return Unsupported(type, "the type is not supported");
            }

            if (named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
            {
                var inner = named.TypeArguments[0];
                var innerClassification = Classify(inner, visiting);
                return innerClassification.IsSupported
                    ? new MemberTypeClassification(MemberTypeKind.Nullable, type, inner, null)
                    : Unsupported(type, innerClassification.Reason);
            }

            var ns = named.ContainingNamespace?.ToDisplayString() ?? string.Empty;
            if (ns == "System" && named.ContainingType is null && !named.IsGenericType)
            {
                switch (named.Name)
                {
                    case "Guid": return Supported(MemberTypeKind.Guid, type);
                    case "DateTimeOffset": return Supported(MemberTypeKind.DateTimeOffset, type);
                    case "DateOnly": return Supported(MemberTypeKind.DateOnly, type);
                    case "TimeOnly": return Supported(MemberTypeKind.TimeOnly, type);
                    case "TimeSpan": return Supported(MemberTypeKind.TimeSpan, type);
                }
            }

            if (named.IsGenericType && GetCollectionKind(named) is { } collectionKind)
            {
                if (collectionKind == MemberTypeKind.Dictionary &&
                    named.TypeArguments[0].SpecialType != SpecialType.System_String)
                {
                    return Unsupported(type, "dictionary keys must be strings (JSON property names); use a Dictionary<string, T>");
                }

                var element = named.TypeArguments[named.TypeArguments.Length - 1];
                var elementClassification = Classify(element, visiting);
                return elementClassification.IsSupported
                    ? new MemberTypeClassification(collectionKind, type, element, null)
                    : Unsupported(type, "its element type " + Display(element) + " is not supported: " + elementClassification.Reason);
            }

            if (ns == "System" || ns.StartsWith("System.", System.StringComparison.Ordinal) ||
                ns == "Microsoft" || ns.StartsWith("Microsoft.", System.StringComparison.Ordinal))
            {
                return Unsupported(type, "the framework type " + Display(type) + " is not supported by the generated serializer");
            }

            return ClassifyObject(named, visiting);
        }

        /// <summary>The collection kind of a constructed framework collection type, or <see langword="null"/>.</summary>
        private static MemberTypeKind? GetCollectionKind(INamedTypeSymbol type)
        {
            var ns = type.ContainingNamespace?.ToDisplayString();
            if (type.ContainingType is not null)
            {
                return null;
            }

            if (ns == "System.Collections.Generic")
            {
                return type.MetadataName switch
                {
                    "List`1" => MemberTypeKind.List,
                    "IReadOnlyList`1" or "IReadOnlyCollection`1" or "IEnumerable`1" or "IList`1" or "ICollection`1" => MemberTypeKind.ListInterface,
                    "HashSet`1" or "ISet`1" or "IReadOnlySet`1" => MemberTypeKind.Set,
                    "Dictionary`2" or "IDictionary`2" or "IReadOnlyDictionary`2" => MemberTypeKind.Dictionary,
                    _ => null,
                };
            }

            if (ns == "System.Collections.Immutable")
            {
                return type.MetadataName switch
                {
                    "ImmutableArray`1" => MemberTypeKind.ImmutableArray,
                    "ImmutableList`1" or "IImmutableList`1" => MemberTypeKind.ImmutableList,
                    _ => null,
                };
            }

            return null;
        }

        private static MemberTypeClassification ClassifyArray(IArrayTypeSymbol array, List<ITypeSymbol> visiting)
        {
            if (!array.IsSZArray)
            {
                return Unsupported(array, "multi-dimensional arrays are not supported; use a jagged array or a list");
            }

            if (array.ElementType.SpecialType == SpecialType.System_Byte)
            {
                return Supported(MemberTypeKind.ByteArray, array);
            }

            var element = Classify(array.ElementType, visiting);
            return element.IsSupported
                ? new MemberTypeClassification(MemberTypeKind.Array, array, array.ElementType, null)
                : Unsupported(array, "its element type " + Display(array.ElementType) + " is not supported: " + element.Reason);
        }

        private static MemberTypeClassification ClassifyObject(INamedTypeSymbol type, List<ITypeSymbol> visiting)
        {
            if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct))
            {
                return Unsupported(type, Display(type) + " is an " + type.TypeKind.ToString().ToLowerInvariant() + "; only concrete records, classes and structs can be message parts");
            }

            if (type.IsAbstract || type.IsStatic)
            {
                return Unsupported(type, Display(type) + " is abstract; message parts must be concrete");
            }

            if (type.IsGenericType)
            {
                return Unsupported(type, "the generic type " + Display(type) + " is not supported as a message part");
            }

            if (type.IsRefLikeType)
            {
                return Unsupported(type, "ref structs cannot be serialized");
            }

            if (ContractShape.GetKindAttribute(type) is not null)
            {
                return Unsupported(type, Display(type) + " is itself a contract; a contract cannot be a member of another contract");
            }

            foreach (var seen in visiting)
            {
                if (SymbolEqualityComparer.Default.Equals(seen, type))
                {
                    return Unsupported(type, Display(type) + " refers to itself; recursive message parts are not supported");
                }
            }

            visiting.Add(type);
            try
            {
                var shape = ObjectShape.Analyze(type, isContract: false, visiting, default);
                if (shape.Problems.Count > 0)
                {
                    return Unsupported(type, "the message part " + Display(type) + " is not supported: " + shape.Problems[0].Message);
                }
            }
            finally
            {
                visiting.RemoveAt(visiting.Count - 1);
            }

            return Supported(MemberTypeKind.Object, type);
        }

        private static MemberTypeClassification Supported(MemberTypeKind kind, ITypeSymbol type) => new(kind, type, null, null);

        private static MemberTypeClassification Unsupported(ITypeSymbol type, string? reason) =>
            new(MemberTypeKind.Unsupported, type, null, reason ?? "the type is not supported");

        internal static string Display(ITypeSymbol type) => "'" + type.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat) + "'";
    }
}
