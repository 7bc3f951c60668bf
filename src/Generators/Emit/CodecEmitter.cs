using System;
using System.Collections.Generic;
using System.Linq;
using MessageContracts.Generators.Model;
using MessageContracts.Generators.Parsing;
using MessageContracts.Shared;

namespace MessageContracts.Generators.Emit
{
    /// <summary>
    /// Emits the serializer code of one object (a contract or a message part) or enum, as calls into the runtime's
    /// <c>GeneratedJson</c>: what is the same for every type lives there once, and only the member list, the names and
    /// the construction are generated.
    /// </summary>
    /// <remarks>
    /// A message part or enum is read and written through its codec class: <c>Write</c>, <c>Read</c> (JSON <c>null</c>
    /// throws), <c>ReadNullable</c>, and for value types <c>WriteNullable</c>. The class is either shared by the
    /// compilation (<see cref="SharedTypeName"/>) or nested in the contract's serializer, for types only the contract
    /// can see; <paramref name="codecName"/> of the constructor says which.
    /// </remarks>
    internal sealed class CodecEmitter
    {
        public const string Json = "global::System.Text.Json";
        public const string Reader = Json + ".Utf8JsonReader";
        public const string Writer = Json + ".Utf8JsonWriter";
        public const string Runtime = "global::MessageContracts.Infrastructure.GeneratedJson";
        public const string NamesType = "global::MessageContracts.Infrastructure.GeneratedJsonNames";
        public const string SharedNamespace = "MessageContracts.Generated.JsonParts";

        private readonly SourceWriter w;
        private readonly Func<string, string> codecName;

        /// <param name="writer">Where the code goes.</param>
        /// <param name="codecName">The codec class of a part or enum, by its fully qualified name.</param>
        public CodecEmitter(SourceWriter writer, Func<string, string> codecName)
        {
            w = writer;
            this.codecName = codecName;
        }

        /// <summary>
        /// The class name of a shared part or enum codec in <see cref="SharedNamespace"/>: the type's full name with
        /// <c>.</c> as <c>_</c> and <c>_</c> as <c>_1</c> (one-to-one, since no name after a dot starts with a digit).
        /// </summary>
        public static string SharedTypeName(string fullyQualifiedName)
        {
            var name = fullyQualifiedName.StartsWith("global::", StringComparison.Ordinal) ? fullyQualifiedName.Substring(8) : fullyQualifiedName;
            var result = new System.Text.StringBuilder(name.Length + 8);
            foreach (var c in name)
            {
                switch (c)
                {
                    case '@':
                        break;
                    case '.':
                        result.Append('_');
                        break;
                    case '_':
                        result.Append("_1");
                        break;
                    default:
                        result.Append(c);
                        break;
                }
            }

            return result.ToString();
        }

        /// <summary>The <c>global::</c>-qualified shared codec class of a part or enum.</summary>
        public static string SharedCodec(string fullyQualifiedName) => "global::" + SharedNamespace + "." + SharedTypeName(fullyQualifiedName);

        /// <summary>The member name table of an object, with the members the payload must contain (<see cref="RequiredMask"/>).</summary>
        public void EmitNames(ObjectSpec obj)
        {
            var required = RequiredMask(obj);
            var arguments = obj.Members.Select(m => EmitHelpers.Literal(m.JsonName));
            if (required != 0)
            {
                arguments = new[] { "requiredMembers: 0x" + required.ToString("X", System.Globalization.CultureInfo.InvariantCulture) + "UL" }.Concat(arguments);
            }

            w.WriteLine("private static readonly " + NamesType + " Names = new(" + string.Join(", ", arguments) + ");");
        }

        /// <summary>Writes the object's members between <c>WriteStartObject</c> and <c>WriteEndObject</c>.</summary>
        public void EmitWriteBody(ObjectSpec obj, string value)
        {
            w.WriteLine("writer.WriteStartObject();");
            for (var i = 0; i < obj.Members.Count; i++)
            {
                // The name as escaped once by the Names table: a name given as a span is checked for characters to
                // escape on every write, which made writing a message about 15 % slower than System.Text.Json's.
                // Scalars take the name and the value in one call, as System.Text.Json's own generated writers do.
                var member = obj.Members[i];
                var name = "Names[" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]";
                var memberValue = value + "." + member.PropertyName;
                if (WriteWithNameMethod(member.Type) is { } combined)
                {
                    w.WriteLine("writer." + combined + "(" + name + ", " + memberValue + ");");
                }
                else
                {
                    w.WriteLine("writer.WritePropertyName(" + name + ");");
                    w.WriteLine(WriteExpression(member.Type, "writer", memberValue, 1) + ";");
                }
            }

            w.WriteLine("writer.WriteEndObject();");
        }

        /// <summary>
        /// The body of an object reader <c>(ref Utf8JsonReader reader, string label)</c>: reads the members it knows,
        /// skips the rest, checks the required ones and constructs the object.
        /// </summary>
        /// <remarks>
        /// Which members were present is kept as bits of one <c>seen</c> local that the names table sets, and the table
        /// checks the required ones, so a member costs no generated code for it. Members past the 64th (rare) get a
        /// <c>has</c> flag of their own instead.
        /// </remarks>
        public void EmitReadBody(ObjectSpec obj, bool isContract)
        {
            w.WriteLine(isContract
                ? Runtime + ".StartObject(ref reader, label);"
                : Runtime + ".StartObject(ref reader, label, " + EmitHelpers.Literal(obj.DisplayName) + ");");
            var tracksSeen = false;
            for (var i = 0; i < obj.Members.Count; i++)
            {
                var member = obj.Members[i];
                w.WriteLine(member.Type.TypeName + " value" + i + " = " + member.DefaultValue + ";");
                if (NeedsPresence(member))
                {
                    if (i < MaskBits)
                    {
                        tracksSeen = true;
                    }
                    else
                    {
                        w.WriteLine("var has" + i + " = false;");
                    }
                }
            }

            if (tracksSeen)
            {
                w.WriteLine("var seen = 0UL;");
            }

            if (obj.Members.Count == 0)
            {
                // With no names to match, this skips every member up to the closing '}'.
                w.WriteLine("Names.TryReadMember(ref reader, out _);");
            }
            else
            {
                w.WriteLine("while (Names.TryReadMember(ref reader, " + (tracksSeen ? "ref seen, " : string.Empty) + "out var member))");
                w.OpenBlock();
                w.WriteLine("switch (member)");
                w.OpenBlock();
                for (var i = 0; i < obj.Members.Count; i++)
                {
                    var member = obj.Members[i];
                    w.WriteLine("case " + i + ":");
                    w.Indentation++;
                    w.WriteLine("value" + i + " = " + ReadExpression(member.Type, "reader", Label(obj, member), 1) + ";");
                    if (NeedsPresence(member) && i >= MaskBits)
                    {
                        w.WriteLine("has" + i + " = true;");
                    }

                    w.WriteLine("break;");
                    w.Indentation--;
                }

                w.CloseBlock();
                w.CloseBlock();
            }

            w.WriteLine();
            if (RequiredMask(obj) != 0)
            {
                w.WriteLine("Names.ThrowIfMissing(seen, " + (isContract ? "label" : EmitHelpers.Literal(obj.DisplayName)) + ");");
            }

            for (var i = MaskBits; i < obj.Members.Count; i++)
            {
                if (obj.Members[i].ThrowIfMissing)
                {
                    w.WriteLine(Runtime + ".ThrowIfMissing(has" + i + ", " + EmitHelpers.Literal(Label(obj, obj.Members[i])) + ");");
                }
            }

            var arguments = obj.Members
                .Select((m, i) => (m, i))
                .Where(x => x.m.Assignment == MemberAssignment.Constructor)
                .OrderBy(x => x.m.ConstructorIndex)
                .Select(x => "value" + x.i);
            var initializers = obj.Members
                .Select((m, i) => (m, i))
                .Where(x => x.m.Assignment == MemberAssignment.ObjectInitializer || (x.m.Assignment == MemberAssignment.Constructor && x.m.IsRequired))
                .Select(x => x.m.PropertyName + " = value" + x.i)
                .ToList();
            var construction = "new " + obj.FullyQualifiedName + "(" + string.Join(", ", arguments) + ")";
            var templated = obj.Members
                .Select((m, i) => (m, i))
                .Where(x => x.m.Assignment == MemberAssignment.TemplateInitializer)
                .ToList();
            if (templated.Count > 0)
            {
                // No 'with' on a class that is not a record: an instance built without these members holds their
                // initializers' values, for those the payload lacks.
                w.WriteLine("var template = " + WithInitializers(construction, initializers) + ";");
                initializers.AddRange(templated.Select(x => x.m.PropertyName + " = " + Present(x.i) + " ? value" + x.i + " : template." + x.m.PropertyName));
            }

            construction = WithInitializers(construction, initializers);
            var later = obj.Members
                .Select((m, i) => (m, i))
                .Where(x => x.m.Assignment is MemberAssignment.WithExpression or MemberAssignment.Setter)
                .ToList();
            if (later.Count == 0)
            {
                w.WriteLine("return " + construction + ";");
                return;
            }

            w.WriteLine("var result = " + construction + ";");
            foreach (var (member, i) in later)
            {
                // Only when present, so the member's initializer survives otherwise.
                w.WriteLine(member.Assignment == MemberAssignment.WithExpression
                    ? "if (" + Present(i) + ") { result = result with { " + member.PropertyName + " = value" + i + " }; }"
                    : "if (" + Present(i) + ") { result." + member.PropertyName + " = value" + i + "; }");
            }

            w.WriteLine("return result;");
        }

        /// <summary>The codec class of a message part: its writer, its readers and its name table.</summary>
        public void EmitPartCodec(ObjectSpec part, string className, string accessibility)
        {
            var type = part.FullyQualifiedName;
            w.WriteLine("/// <summary>Reads and writes the message part <c>" + System.Security.SecurityElement.Escape(part.DisplayName) + "</c> as UTF-8 JSON.</summary>");
            w.WriteLine(EmitHelpers.GeneratedCodeAttribute);
            w.WriteLine(accessibility + " static class " + className);
            w.OpenBlock();
            EmitNames(part);
            w.WriteLine();
            w.WriteLine("internal static void Write(" + Writer + " writer, " + type + (part.IsValueType ? string.Empty : "?") + " value)");
            w.OpenBlock();
            if (!part.IsValueType)
            {
                w.WriteLine("if (value is null)");
                w.OpenBlock();
                w.WriteLine("writer.WriteNullValue();");
                w.WriteLine("return;");
                w.CloseBlock();
                w.WriteLine();
            }

            EmitWriteBody(part, "value");
            w.CloseBlock();
            if (part.IsValueType)
            {
                w.WriteLine();
                w.WriteLine("internal static void WriteNullable(" + Writer + " writer, " + type + "? value) => " + Runtime + ".WriteNullable<" + type + ">(writer, value, Write);");
            }

            w.WriteLine();
            w.WriteLine("internal static " + type + "? ReadNullable(ref " + Reader + " reader, string label) => " + Runtime + ".IsNull(ref reader) ? null : Read(ref reader, label);");
            w.WriteLine();
            w.WriteLine("internal static " + type + " Read(ref " + Reader + " reader, string label)");
            w.OpenBlock();
            EmitReadBody(part, isContract: false);
            w.CloseBlock();
            w.CloseBlock();
        }

        /// <summary>The codec class of an enum: names as JSON strings (numbers for values without a name), like <c>JsonStringEnumConverter</c>.</summary>
        public void EmitEnumCodec(EnumSpec spec, string className, string accessibility)
        {
            var type = spec.FullyQualifiedName;
            var display = EmitHelpers.Literal(type.Replace("global::", string.Empty));
            w.WriteLine("/// <summary>Reads and writes the enum <c>" + System.Security.SecurityElement.Escape(type.Replace("global::", string.Empty)) + "</c> as UTF-8 JSON.</summary>");
            w.WriteLine(EmitHelpers.GeneratedCodeAttribute);
            w.WriteLine(accessibility + " static class " + className);
            w.OpenBlock();
            w.WriteLine("private static readonly " + NamesType + " Names = new(" + string.Join(", ", spec.AllNames.Select(EmitHelpers.Literal)) + ");");
            w.WriteLine("private static readonly " + type + "[] Values = " + (spec.AllNames.Count == 0
                ? "global::System.Array.Empty<" + type + ">();"
                : "{ " + string.Join(", ", spec.AllNames.Select(n => type + "." + Names.Identifier(n))) + " };"));
            w.WriteLine();
            w.WriteLine("internal static void Write(" + Writer + " writer, " + type + " value)");
            w.OpenBlock();
            if (spec.Members.Count > 0)
            {
                w.WriteLine("switch (value)");
                w.OpenBlock();
                foreach (var name in spec.Members)
                {
                    w.WriteLine("case " + type + "." + Names.Identifier(name) + ":");
                    w.Indentation++;
                    w.WriteLine("writer.WriteStringValue(" + EmitHelpers.Utf8Literal(name) + ");");
                    w.WriteLine("return;");
                    w.Indentation--;
                }

                w.CloseBlock();
                w.WriteLine();
            }

            w.WriteLine(Runtime + ".WriteEnumFallback(writer, value.ToString(), (" + (spec.UnderlyingType == "ulong" ? "ulong" : "long") + ")value);");
            w.CloseBlock();
            w.WriteLine();
            w.WriteLine("internal static void WriteNullable(" + Writer + " writer, " + type + "? value) => " + Runtime + ".WriteNullable<" + type + ">(writer, value, Write);");
            w.WriteLine();
            w.WriteLine("internal static " + type + " Read(ref " + Reader + " reader, string label) =>");
            w.WriteLine("    " + Runtime + ".IsEnumNumber(ref reader, label, " + display + ")");
            w.WriteLine("        ? (" + type + ")reader." + spec.ReaderMethod + "()");
            w.WriteLine("        : " + Runtime + ".ReadEnumName(ref reader, Names, Values, " + display + ", label);");
            w.WriteLine();
            w.WriteLine("internal static " + type + "? ReadNullable(ref " + Reader + " reader, string label) => " + Runtime + ".IsNull(ref reader) ? null : Read(ref reader, label);");
            w.CloseBlock();
        }

        /// <summary>How many members' presence the <c>seen</c> bits hold (those of an <c>ulong</c>).</summary>
        private const int MaskBits = 64;

        /// <summary>Whether the reader must know that the member was present in the payload.</summary>
        private static bool NeedsPresence(MemberSpec member) =>
            member.ThrowIfMissing || member.Assignment is MemberAssignment.WithExpression or MemberAssignment.Setter or MemberAssignment.TemplateInitializer;

        /// <summary>The required members among the first 64, as bits by member index: the names table checks them.</summary>
        private static ulong RequiredMask(ObjectSpec obj)
        {
            var mask = 0UL;
            for (var i = 0; i < obj.Members.Count && i < MaskBits; i++)
            {
                if (obj.Members[i].ThrowIfMissing)
                {
                    mask |= 1UL << i;
                }
            }

            return mask;
        }

        /// <summary>An expression that is true when member <paramref name="index"/> was in the payload.</summary>
        private static string Present(int index) => index < MaskBits
            ? "(seen & 0x" + (1UL << index).ToString("X", System.Globalization.CultureInfo.InvariantCulture) + "UL) != 0"
            : "has" + index;

        private static string WithInitializers(string construction, IReadOnlyCollection<string> initializers) =>
            initializers.Count == 0 ? construction : construction + " { " + string.Join(", ", initializers) + " }";

        private static string Label(ObjectSpec owner, MemberSpec member) => owner.DisplayName + "." + member.JsonName;

        /// <summary>The <c>GeneratedJson</c> name suffix of a scalar kind with its own readers and writers, or <see langword="null"/>.</summary>
        private static string? Scalar(MemberTypeKind kind) => kind switch
        {
            MemberTypeKind.Boolean or MemberTypeKind.Byte or MemberTypeKind.SByte or MemberTypeKind.Int16 or MemberTypeKind.UInt16 or
            MemberTypeKind.Int32 or MemberTypeKind.UInt32 or MemberTypeKind.Int64 or MemberTypeKind.UInt64 or MemberTypeKind.Single or
            MemberTypeKind.Double or MemberTypeKind.Decimal or MemberTypeKind.Char or MemberTypeKind.Guid or MemberTypeKind.DateTime or
            MemberTypeKind.DateTimeOffset or MemberTypeKind.DateOnly or MemberTypeKind.TimeOnly or MemberTypeKind.TimeSpan => kind.ToString(),
            _ => null,
        };

        /// <summary>A method <c>(ref Utf8JsonReader, string label)</c> that reads <paramref name="type"/> with its null handling, if there is one.</summary>
        private string? ReadMethod(TypeSpec type)
        {
            if (type.Kind == MemberTypeKind.Nullable)
            {
                var element = type.Element!;
                return Scalar(element.Kind) is { } scalar ? Runtime + ".ReadNullable" + scalar
                    : element.Kind is MemberTypeKind.Enum or MemberTypeKind.Object ? codecName(element.Reference!) + ".ReadNullable"
                    : null;
            }

            return type.Kind switch
            {
                MemberTypeKind.String => Runtime + (type.AllowsNull ? ".ReadStringOrNull" : ".ReadString"),
                MemberTypeKind.ByteArray => Runtime + (type.AllowsNull ? ".ReadBytesOrNull" : ".ReadBytes"),
                MemberTypeKind.Enum => codecName(type.Reference!) + ".Read",
                MemberTypeKind.Object => codecName(type.Reference!) + (type.AllowsNull ? ".ReadNullable" : ".Read"),
                _ when Scalar(type.Kind) is { } scalar => Runtime + ".Read" + scalar,
                _ => null,
            };
        }

        /// <summary>An expression that reads <paramref name="type"/> from <paramref name="reader"/>, which is on the value.</summary>
        private string ReadExpression(TypeSpec type, string reader, string label, int depth)
        {
            if (ReadMethod(type) is { } method)
            {
                return method + "(ref " + reader + ", " + EmitHelpers.Literal(label) + ")";
            }

            if (type.AllowsNull)
            {
                var notNull = type.Kind == MemberTypeKind.Nullable ? type.Element! : type;
                return Runtime + ".IsNull(ref " + reader + ") ? null : " + ReadCollection(notNull, reader, label, depth);
            }

            return ReadCollection(type, reader, label, depth);
        }

        private string ReadCollection(TypeSpec type, string reader, string label, int depth)
        {
            var method = type.Kind switch
            {
                MemberTypeKind.Array => "ReadArray",
                MemberTypeKind.List or MemberTypeKind.ListInterface => "ReadList",
                MemberTypeKind.Set => "ReadHashSet",
                MemberTypeKind.ImmutableArray => "ReadImmutableArray",
                MemberTypeKind.ImmutableList => "ReadImmutableList",
                MemberTypeKind.Dictionary => "ReadDictionary",
                _ => throw new InvalidOperationException("Unexpected member kind " + type.Kind + "."),
            };
            var element = type.Element!;
            var itemLabel = label + (type.Kind == MemberTypeKind.Dictionary ? "{}" : "[]");
            var itemReader = ReadMethod(element)
                ?? "static (ref " + Reader + " r" + depth + ", string l" + depth + ") => " + ReadExpression(element, "r" + depth, itemLabel, depth + 1);
            return Runtime + "." + method + "<" + element.TypeName + ">(ref " + reader + ", " + EmitHelpers.Literal(label) + ", " + EmitHelpers.Literal(itemLabel) + ", " + itemReader + ")";
        }

        /// <summary>A method <c>(Utf8JsonWriter, T)</c> that writes <paramref name="type"/>, including null, if there is one.</summary>
        private string? WriteMethod(TypeSpec type)
        {
            if (type.Kind == MemberTypeKind.Nullable)
            {
                var element = type.Element!;
                return Scalar(element.Kind) is { } scalar ? Runtime + ".WriteNullable" + scalar
                    : element.Kind is MemberTypeKind.Enum or MemberTypeKind.Object ? codecName(element.Reference!) + ".WriteNullable"
                    : null;
            }

            return type.Kind switch
            {
                MemberTypeKind.String => Runtime + ".WriteString",
                MemberTypeKind.ByteArray => Runtime + ".WriteBytes",
                MemberTypeKind.Enum or MemberTypeKind.Object => codecName(type.Reference!) + ".Write",
                _ when Scalar(type.Kind) is { } scalar => Runtime + ".Write" + scalar,
                _ => null,
            };
        }

        /// <summary>
        /// The <c>Utf8JsonWriter</c> method that writes a property name and a value of <paramref name="type"/> in one call,
        /// for the kinds <see cref="WriteExpression"/> writes with the writer's own value methods; null for the rest.
        /// </summary>
        private static string? WriteWithNameMethod(TypeSpec type) => type.Kind switch
        {
            MemberTypeKind.Boolean => "WriteBoolean",
            MemberTypeKind.Int32 or MemberTypeKind.UInt32 or MemberTypeKind.Int64 or MemberTypeKind.UInt64 or
                MemberTypeKind.Single or MemberTypeKind.Double or MemberTypeKind.Decimal => "WriteNumber",
            MemberTypeKind.String or MemberTypeKind.Guid or MemberTypeKind.DateTime or MemberTypeKind.DateTimeOffset => "WriteString",
            _ => null,
        };

        /// <summary>An expression that writes <paramref name="value"/> of <paramref name="type"/> (JSON <c>null</c> for null).</summary>
        private string WriteExpression(TypeSpec type, string writer, string value, int depth)
        {
            switch (type.Kind)
            {
                // The writer's own methods where they write exactly this, so the common members need no call in between.
                case MemberTypeKind.Boolean:
                    return writer + ".WriteBooleanValue(" + value + ")";
                case MemberTypeKind.Int32 or MemberTypeKind.UInt32 or MemberTypeKind.Int64 or MemberTypeKind.UInt64 or
                    MemberTypeKind.Single or MemberTypeKind.Double or MemberTypeKind.Decimal:
                    return writer + ".WriteNumberValue(" + value + ")";
                case MemberTypeKind.String or MemberTypeKind.Guid or MemberTypeKind.DateTime or MemberTypeKind.DateTimeOffset:
                    return writer + ".WriteStringValue(" + value + ")";
            }

            if (WriteMethod(type) is { } method)
            {
                return method + "(" + writer + ", " + value + ")";
            }

            var element = type.Element!;
            var itemWriter = WriteMethod(element) ?? "static (w" + depth + ", v" + depth + ") => " + WriteExpression(element, "w" + depth, "v" + depth, depth + 1);
            var helper = type.Kind switch
            {
                MemberTypeKind.Nullable => "WriteNullable",
                MemberTypeKind.ImmutableArray => "WriteImmutableArray",
                MemberTypeKind.Dictionary => "WriteDictionary",
                MemberTypeKind.Array or MemberTypeKind.List or MemberTypeKind.ListInterface or MemberTypeKind.Set or MemberTypeKind.ImmutableList => "WriteArray",
                _ => throw new InvalidOperationException("Unexpected member kind " + type.Kind + "."),
            };
            return Runtime + "." + helper + "<" + element.TypeName + ">(" + writer + ", " + value + ", " + itemWriter + ")";
        }
    }
}
