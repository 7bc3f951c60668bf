using System;
using System.Collections.Generic;
using System.Linq;
using MessageContracts.Generators.Model;
using MessageContracts.Generators.Parsing;
using MessageContracts.Shared;

namespace MessageContracts.Generators.Emit
{
    /// <summary>
    /// Emits a contract's partial declaration: the explicit static <c>IMessageContract&lt;T&gt;</c> members and a
    /// private nested serializer that reads and writes UTF-8 JSON with <c>Utf8JsonReader</c>/<c>Utf8JsonWriter</c>,
    /// wire-compatible with System.Text.Json's web defaults plus <c>JsonStringEnumConverter</c>.
    /// </summary>
    internal sealed class ContractEmitter
    {
        private const string Json = "global::System.Text.Json";
        private const string Invariant = "global::System.Globalization.CultureInfo.InvariantCulture";
        private const string Exception = "global::MessageContracts.MessageDeserializationException";
        private const string SerializerClass = "__MessageContractsSerializer";

        private readonly ContractSpec spec;
        private readonly SourceWriter writer = new();
        private readonly Dictionary<string, int> partIndexes = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> enumIndexes = new(StringComparer.Ordinal);
        private int localCounter;
        private bool usesMissing;
        private bool usesNullValue;
        private bool usesChar;

        private ContractEmitter(ContractSpec spec)
        {
            this.spec = spec;
            for (var i = 0; i < spec.Parts.Count; i++)
            {
                partIndexes[spec.Parts[i].FullyQualifiedName] = i;
            }

            for (var i = 0; i < spec.Enums.Count; i++)
            {
                enumIndexes[spec.Enums[i].FullyQualifiedName] = i;
            }
        }

        public static string HintName(ContractSpec spec) => spec.HintName + ".g.cs";

        public static string Emit(ContractSpec spec) => new ContractEmitter(spec).Emit();

        private string Emit()
        {
            var w = writer;
            w.WriteLine(EmitHelpers.Header);
            w.WriteLine("#pragma warning disable CS0612, CS0618 // members marked [Obsolete] are still part of the wire format");
            w.WriteLine();
            if (spec.Namespace is not null)
            {
                w.WriteLine("namespace " + string.Join(".", spec.Namespace.Split('.').Select(Names.Identifier)));
                w.OpenBlock();
            }

            foreach (var containing in spec.ContainingTypes)
            {
                w.WriteLine(containing.Keywords + " " + containing.Name);
                w.OpenBlock();
            }

            var self = spec.FullyQualifiedName;
            var contractInterface = "global::MessageContracts.IMessageContract<" + self + ">";
            var kindInterface = spec.Kind == ContractKind.Command ? "ICommandContract" : "IEventContract";
            w.WriteLine(spec.Declaration.Keywords + " " + spec.Declaration.Name + " : global::MessageContracts." + kindInterface + "<" + self + ">");
            w.OpenBlock();

            var generatedCode = EmitHelpers.GeneratedCodeAttribute;
            w.WriteLine("/// <inheritdoc/>");
            w.WriteLine(generatedCode);
            w.WriteLine("static string " + contractInterface + ".MessageType => " + EmitHelpers.Literal(spec.MessageType) + ";");
            w.WriteLine();
            w.WriteLine("/// <inheritdoc/>");
            w.WriteLine(generatedCode);
            w.WriteLine("static string " + contractInterface + ".Topic => " + EmitHelpers.Literal(spec.Topic) + ";");
            w.WriteLine();
            w.WriteLine("/// <inheritdoc/>");
            w.WriteLine(generatedCode);
            w.WriteLine("static global::MessageContracts.MessageKind " + contractInterface + ".Kind => global::MessageContracts.MessageKind." + (spec.Kind == ContractKind.Command ? "Command" : "Event") + ";");
            w.WriteLine();
            w.WriteLine("/// <inheritdoc/>");
            w.WriteLine(generatedCode);
            w.WriteLine("static void " + contractInterface + ".Serialize(" + Json + ".Utf8JsonWriter writer, " + self + " message) => " + SerializerClass + ".Write(writer, message);");
            w.WriteLine();
            w.WriteLine("/// <inheritdoc/>");
            w.WriteLine(generatedCode);
            w.WriteLine("static " + self + " " + contractInterface + ".Deserialize(global::System.ReadOnlySpan<byte> utf8Json) => " + SerializerClass + ".Read(utf8Json);");
            w.WriteLine();
            w.WriteLine("/// <inheritdoc/>");
            w.WriteLine(generatedCode);
            w.WriteLine("static string? " + contractInterface + ".GetPartitionKey(" + self + " message) => " + PartitionKeyExpression() + ";");
            w.WriteLine();

            EmitSerializerClass();

            w.CloseBlock();
            foreach (var _ in spec.ContainingTypes)
            {
                w.CloseBlock();
            }

            if (spec.Namespace is not null)
            {
                w.CloseBlock();
            }

            return w.ToString();
        }

        private string PartitionKeyExpression()
        {
            if (spec.PartitionKey is not { } key)
            {
                return "null";
            }

            var access = "message." + key.PropertyName;
            var q = key.IsNullableValueType ? "?" : string.Empty;
            return key.Kind switch
            {
                MemberTypeKind.String => access,
                MemberTypeKind.Guid => access + q + ".ToString(\"D\")",
                MemberTypeKind.Char => access + q + ".ToString()",
                MemberTypeKind.Boolean => key.IsNullableValueType
                    ? access + " switch { true => \"true\", false => \"false\", null => null }"
                    : "(" + access + " ? \"true\" : \"false\")",
                MemberTypeKind.DateTime or MemberTypeKind.DateTimeOffset => access + q + ".ToString(\"O\", " + Invariant + ")",
                MemberTypeKind.DateOnly => access + q + ".ToString(\"yyyy-MM-dd\", " + Invariant + ")",
                MemberTypeKind.TimeOnly => access + q + ".ToTimeSpan().ToString(\"c\", " + Invariant + ")",
                MemberTypeKind.TimeSpan => access + q + ".ToString(\"c\", " + Invariant + ")",
                _ => access + q + ".ToString(null, " + Invariant + ")",
            };
        }

        private void EmitSerializerClass()
        {
            var w = writer;
            var self = spec.FullyQualifiedName;
            w.WriteLine("/// <summary>The generated UTF-8 JSON reader and writer of <see cref=\"" + spec.Declaration.Name + "\"/>.</summary>");
            w.WriteLine(EmitHelpers.GeneratedCodeAttribute);
            w.WriteLine("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
            w.WriteLine("private static class " + SerializerClass);
            w.OpenBlock();
            w.WriteLine("private const string ContractName = " + EmitHelpers.Literal(spec.DisplayName) + ";");
            w.WriteLine();

            // Entry points.
            w.WriteLine("public static void Write(" + Json + ".Utf8JsonWriter writer, " + self + " message)");
            w.OpenBlock();
            w.WriteLine("global::System.ArgumentNullException.ThrowIfNull(writer);");
            if (!spec.Object.IsValueType)
            {
                w.WriteLine("global::System.ArgumentNullException.ThrowIfNull(message);");
            }

            w.WriteLine("WriteContract(writer, message);");
            w.CloseBlock();
            w.WriteLine();
            w.WriteLine("public static " + self + " Read(global::System.ReadOnlySpan<byte> utf8Json)");
            w.OpenBlock();
            w.WriteLine("try");
            w.OpenBlock();
            w.WriteLine("var reader = new " + Json + ".Utf8JsonReader(utf8Json, isFinalBlock: true, state: default);");
            w.WriteLine("Next(ref reader);");
            w.WriteLine("var result = ReadContract(ref reader);");
            w.WriteLine("if (reader.Read())");
            w.OpenBlock();
            w.WriteLine("throw new " + Exception + "(\"Cannot deserialize '\" + ContractName + \"': unexpected data after the JSON object.\");");
            w.CloseBlock();
            w.WriteLine();
            w.WriteLine("return result;");
            w.CloseBlock();
            w.WriteLine("catch (global::System.Exception ex) when (ex is " + Json + ".JsonException or global::System.InvalidOperationException or global::System.FormatException or global::System.OverflowException or global::System.ArgumentException)");
            w.OpenBlock();
            w.WriteLine("throw new " + Exception + "(\"Cannot deserialize '\" + ContractName + \"': \" + ex.Message, ex);");
            w.CloseBlock();
            w.CloseBlock();

            EmitObject(spec.Object, "Contract");
            for (var i = 0; i < spec.Parts.Count; i++)
            {
                EmitObject(spec.Parts[i], "Part" + i);
            }

            for (var i = 0; i < spec.Enums.Count; i++)
            {
                EmitEnum(spec.Enums[i], i);
            }

            EmitHelperMethods();
            w.CloseBlock();
        }

        private void EmitObject(ObjectSpec obj, string suffix)
        {
            var w = writer;
            var type = obj.FullyQualifiedName;

            // Writer.
            w.WriteLine();
            w.WriteLine("private static void Write" + suffix + "(" + Json + ".Utf8JsonWriter writer, " + type + " value)");
            w.OpenBlock();
            w.WriteLine("writer.WriteStartObject();");
            foreach (var member in obj.Members)
            {
                w.WriteLine("writer.WritePropertyName(" + EmitHelpers.Utf8Literal(member.JsonName) + ");");
                EmitWrite(member.Type, "value." + member.PropertyName);
            }

            w.WriteLine("writer.WriteEndObject();");
            w.CloseBlock();

            // Member name matcher: exact UTF-8 comparison first, then case-insensitive like the web defaults.
            w.WriteLine();
            w.WriteLine("private static int Match" + suffix + "(ref " + Json + ".Utf8JsonReader reader)");
            w.OpenBlock();
            for (var i = 0; i < obj.Members.Count; i++)
            {
                w.WriteLine("if (reader.ValueTextEquals(" + EmitHelpers.Utf8Literal(obj.Members[i].JsonName) + "))");
                w.OpenBlock();
                w.WriteLine("return " + i + ";");
                w.CloseBlock();
                w.WriteLine();
            }

            if (obj.Members.Count > 0)
            {
                w.WriteLine("var name = reader.GetString();");
                for (var i = 0; i < obj.Members.Count; i++)
                {
                    w.WriteLine("if (string.Equals(name, " + EmitHelpers.Literal(obj.Members[i].JsonName) + ", global::System.StringComparison.OrdinalIgnoreCase))");
                    w.OpenBlock();
                    w.WriteLine("return " + i + ";");
                    w.CloseBlock();
                    w.WriteLine();
                }
            }

            w.WriteLine("return -1;");
            w.CloseBlock();

            // Reader.
            var owner = obj.DisplayName;
            w.WriteLine();
            w.WriteLine("private static " + type + " Read" + suffix + "(ref " + Json + ".Utf8JsonReader reader)");
            w.OpenBlock();
            w.WriteLine("if (reader.TokenType != " + Json + ".JsonTokenType.StartObject)");
            w.OpenBlock();
            w.WriteLine("throw Expected(" + EmitHelpers.Literal(owner) + ", \"a JSON object\", reader.TokenType);");
            w.CloseBlock();
            w.WriteLine();
            for (var i = 0; i < obj.Members.Count; i++)
            {
                if (NeedsPresenceFlag(obj.Members[i]))
                {
                    w.WriteLine("var has" + i + " = false;");
                }

                w.WriteLine(obj.Members[i].Type.TypeName + " value" + i + " = default!;");
            }

            w.WriteLine("while (true)");
            w.OpenBlock();
            w.WriteLine("Next(ref reader);");
            w.WriteLine("if (reader.TokenType == " + Json + ".JsonTokenType.EndObject)");
            w.OpenBlock();
            w.WriteLine("break;");
            w.CloseBlock();
            w.WriteLine();
            w.WriteLine("switch (Match" + suffix + "(ref reader))");
            w.OpenBlock();
            for (var i = 0; i < obj.Members.Count; i++)
            {
                var member = obj.Members[i];
                w.WriteLine("case " + i + ":");
                w.Indentation++;
                w.WriteLine("Next(ref reader);");
                EmitRead(member.Type, "value" + i, Label(obj, member));
                if (NeedsPresenceFlag(member))
                {
                    w.WriteLine("has" + i + " = true;");
                }

                w.WriteLine("break;");
                w.Indentation--;
            }

            w.WriteLine("default:");
            w.Indentation++;
            w.WriteLine("reader.Skip();");
            w.WriteLine("break;");
            w.Indentation--;
            w.CloseBlock();
            w.CloseBlock();
            w.WriteLine();

            // Members that were not in the payload.
            for (var i = 0; i < obj.Members.Count; i++)
            {
                var member = obj.Members[i];
                if (member.ThrowIfMissing)
                {
                    usesMissing = true;
                    w.WriteLine("if (!has" + i + ")");
                    w.OpenBlock();
                    w.WriteLine("throw Missing(" + EmitHelpers.Literal(Label(obj, member)) + ");");
                    w.CloseBlock();
                    w.WriteLine();
                }
                else if (member.Assignment == MemberAssignment.Constructor && member.DefaultValue != "default!")
                {
                    w.WriteLine("if (!has" + i + ")");
                    w.OpenBlock();
                    w.WriteLine("value" + i + " = " + member.DefaultValue + ";");
                    w.CloseBlock();
                    w.WriteLine();
                }
            }

            // Construction.
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
            var construction = "new " + type + "(" + string.Join(", ", arguments) + ")";
            if (initializers.Count == 0)
            {
                w.WriteLine("var result = " + construction + ";");
            }
            else
            {
                w.WriteLine("var result = " + construction);
                w.OpenBlock();
                foreach (var initializer in initializers)
                {
                    w.WriteLine(initializer + ",");
                }

                w.CloseBlock(";");
            }

            for (var i = 0; i < obj.Members.Count; i++)
            {
                var member = obj.Members[i];
                if (member.Assignment == MemberAssignment.WithExpression)
                {
                    w.WriteLine("if (has" + i + ")");
                    w.OpenBlock();
                    w.WriteLine("result = result with { " + member.PropertyName + " = value" + i + " };");
                    w.CloseBlock();
                    w.WriteLine();
                }
                else if (member.Assignment == MemberAssignment.Setter)
                {
                    w.WriteLine("if (has" + i + ")");
                    w.OpenBlock();
                    w.WriteLine("result." + member.PropertyName + " = value" + i + ";");
                    w.CloseBlock();
                    w.WriteLine();
                }
            }

            w.WriteLine("return result;");
            w.CloseBlock();
        }

        /// <summary>Whether the reader must remember that the member was present in the payload.</summary>
        private static bool NeedsPresenceFlag(MemberSpec member) =>
            member.ThrowIfMissing ||
            member.Assignment is MemberAssignment.WithExpression or MemberAssignment.Setter ||
            (member.Assignment == MemberAssignment.Constructor && member.DefaultValue != "default!");

        private static string Label(ObjectSpec owner, MemberSpec member) =>
            owner.DisplayName + "." + member.JsonName;

        /// <summary>Writes the value of <paramref name="expression"/> (the writer is positioned after a property name or inside an array).</summary>
        private void EmitWrite(TypeSpec type, string expression)
        {
            var w = writer;
            if (type.Kind == MemberTypeKind.Nullable)
            {
                var local = NextLocal("item");
                w.WriteLine("if (" + expression + " is { } " + local + ")");
                w.OpenBlock();
                EmitWrite(type.Element!, local);
                w.CloseBlock();
                w.WriteLine("else");
                w.OpenBlock();
                w.WriteLine("writer.WriteNullValue();");
                w.CloseBlock();
                return;
            }

            if (!type.IsValueType && type.Kind != MemberTypeKind.String)
            {
                w.WriteLine("if (" + expression + " is null)");
                w.OpenBlock();
                w.WriteLine("writer.WriteNullValue();");
                w.CloseBlock();
                w.WriteLine("else");
                w.OpenBlock();
                EmitWriteNotNull(type, expression);
                w.CloseBlock();
                return;
            }

            EmitWriteNotNull(type, expression);
        }

        private void EmitWriteNotNull(TypeSpec type, string expression)
        {
            var w = writer;
            switch (type.Kind)
            {
                case MemberTypeKind.Boolean:
                    w.WriteLine("writer.WriteBooleanValue(" + expression + ");");
                    break;
                case MemberTypeKind.Byte:
                case MemberTypeKind.SByte:
                case MemberTypeKind.Int16:
                case MemberTypeKind.UInt16:
                    w.WriteLine("writer.WriteNumberValue((int)" + expression + ");");
                    break;
                case MemberTypeKind.Int32:
                case MemberTypeKind.UInt32:
                case MemberTypeKind.Int64:
                case MemberTypeKind.UInt64:
                case MemberTypeKind.Single:
                case MemberTypeKind.Double:
                case MemberTypeKind.Decimal:
                    w.WriteLine("writer.WriteNumberValue(" + expression + ");");
                    break;
                case MemberTypeKind.String:
                case MemberTypeKind.Guid:
                case MemberTypeKind.DateTime:
                case MemberTypeKind.DateTimeOffset:
                    w.WriteLine("writer.WriteStringValue(" + expression + ");");
                    break;
                case MemberTypeKind.Char:
                    w.WriteLine("writer.WriteStringValue(" + expression + ".ToString());");
                    break;
                case MemberTypeKind.DateOnly:
                    w.WriteLine("writer.WriteStringValue(" + expression + ".ToString(\"yyyy-MM-dd\", " + Invariant + "));");
                    break;
                case MemberTypeKind.TimeOnly:
                    w.WriteLine("writer.WriteStringValue(" + expression + ".ToTimeSpan().ToString(\"c\", " + Invariant + "));");
                    break;
                case MemberTypeKind.TimeSpan:
                    w.WriteLine("writer.WriteStringValue(" + expression + ".ToString(\"c\", " + Invariant + "));");
                    break;
                case MemberTypeKind.ByteArray:
                    w.WriteLine("writer.WriteBase64StringValue(" + expression + ");");
                    break;
                case MemberTypeKind.Enum:
                    w.WriteLine("WriteEnum" + enumIndexes[type.Reference!] + "(writer, " + expression + ");");
                    break;
                case MemberTypeKind.Object:
                    w.WriteLine("WritePart" + partIndexes[type.Reference!] + "(writer, " + expression + ");");
                    break;
                case MemberTypeKind.ImmutableArray:
                    // System.Text.Json throws on a default ImmutableArray<T>; null keeps "not set" apart from empty.
                    w.WriteLine("if (" + expression + ".IsDefault)");
                    w.OpenBlock();
                    w.WriteLine("writer.WriteNullValue();");
                    w.CloseBlock();
                    w.WriteLine("else");
                    w.OpenBlock();
                    EmitWriteArray(type, expression);
                    w.CloseBlock();
                    break;
                case MemberTypeKind.Array:
                case MemberTypeKind.List:
                case MemberTypeKind.ListInterface:
                case MemberTypeKind.Set:
                case MemberTypeKind.ImmutableList:
                    EmitWriteArray(type, expression);
                    break;
                case MemberTypeKind.Dictionary:
                    // Keys are written as they are: System.Text.Json applies no naming policy to dictionary keys by default.
                    var pair = NextLocal("pair");
                    w.WriteLine("writer.WriteStartObject();");
                    w.WriteLine("foreach (var " + pair + " in " + expression + ")");
                    w.OpenBlock();
                    w.WriteLine("writer.WritePropertyName(" + pair + ".Key);");
                    EmitWrite(type.Element!, pair + ".Value");
                    w.CloseBlock();
                    w.WriteLine("writer.WriteEndObject();");
                    break;
                default:
                    throw new InvalidOperationException("Unexpected member kind " + type.Kind + ".");
            }
        }

        private void EmitWriteArray(TypeSpec type, string expression)
        {
            var w = writer;
            var item = NextLocal("item");
            w.WriteLine("writer.WriteStartArray();");
            w.WriteLine("foreach (var " + item + " in " + expression + ")");
            w.OpenBlock();
            EmitWrite(type.Element!, item);
            w.CloseBlock();
            w.WriteLine("writer.WriteEndArray();");
        }

        /// <summary>Reads the current token into <paramref name="target"/> (the reader is on the value).</summary>
        private void EmitRead(TypeSpec type, string target, string label)
        {
            var w = writer;
            w.WriteLine("if (reader.TokenType == " + Json + ".JsonTokenType.Null)");
            w.OpenBlock();
            if (type.AllowsNull)
            {
                w.WriteLine(target + " = null;");
            }
            else if (type.Kind == MemberTypeKind.ImmutableArray)
            {
                // The writer's form of a default ImmutableArray<T>.
                w.WriteLine(target + " = default;");
            }
            else
            {
                usesNullValue = true;
                w.WriteLine("throw NullValue(" + EmitHelpers.Literal(label) + ");");
            }

            w.CloseBlock();
            w.WriteLine("else");
            w.OpenBlock();
            EmitReadNotNull(type.Kind == MemberTypeKind.Nullable ? type.Element! : type, target, label);
            w.CloseBlock();
        }

        private void EmitReadNotNull(TypeSpec type, string target, string label)
        {
            var w = writer;
            string? expression = type.Kind switch
            {
                MemberTypeKind.Boolean => "reader.GetBoolean()",
                MemberTypeKind.Byte => "reader.GetByte()",
                MemberTypeKind.SByte => "reader.GetSByte()",
                MemberTypeKind.Int16 => "reader.GetInt16()",
                MemberTypeKind.UInt16 => "reader.GetUInt16()",
                MemberTypeKind.Int32 => "reader.GetInt32()",
                MemberTypeKind.UInt32 => "reader.GetUInt32()",
                MemberTypeKind.Int64 => "reader.GetInt64()",
                MemberTypeKind.UInt64 => "reader.GetUInt64()",
                MemberTypeKind.Single => "reader.GetSingle()",
                MemberTypeKind.Double => "reader.GetDouble()",
                MemberTypeKind.Decimal => "reader.GetDecimal()",
                MemberTypeKind.String => "reader.GetString()!",
                MemberTypeKind.Char => "ReadChar(ref reader, " + EmitHelpers.Literal(label) + ")",
                MemberTypeKind.Guid => "reader.GetGuid()",
                MemberTypeKind.DateTime => "reader.GetDateTime()",
                MemberTypeKind.DateTimeOffset => "reader.GetDateTimeOffset()",
                MemberTypeKind.DateOnly => "global::System.DateOnly.ParseExact(reader.GetString()!, \"yyyy-MM-dd\", " + Invariant + ")",
                MemberTypeKind.TimeOnly => "global::System.TimeOnly.FromTimeSpan(global::System.TimeSpan.ParseExact(reader.GetString()!, \"c\", " + Invariant + "))",
                MemberTypeKind.TimeSpan => "global::System.TimeSpan.ParseExact(reader.GetString()!, \"c\", " + Invariant + ")",
                MemberTypeKind.ByteArray => "reader.GetBytesFromBase64()",
                MemberTypeKind.Enum => "ReadEnum" + enumIndexes[type.Reference!] + "(ref reader)",
                MemberTypeKind.Object => "ReadPart" + partIndexes[type.Reference!] + "(ref reader)",
                _ => null,
            };

            if (type.Kind == MemberTypeKind.Char)
            {
                usesChar = true;
            }

            if (expression is not null)
            {
                w.WriteLine(target + " = " + expression + ";");
                return;
            }

            if (type.Kind == MemberTypeKind.Dictionary)
            {
                EmitReadDictionary(type, target, label);
                return;
            }

            var element = type.Element!;
            var immutable = "global::System.Collections.Immutable.";
            var (create, finish) = type.Kind switch
            {
                MemberTypeKind.Array => ("new global::System.Collections.Generic.List<" + element.TypeName + ">()", ".ToArray()"),
                MemberTypeKind.List or MemberTypeKind.ListInterface => ("new global::System.Collections.Generic.List<" + element.TypeName + ">()", string.Empty),
                MemberTypeKind.Set => ("new global::System.Collections.Generic.HashSet<" + element.TypeName + ">()", string.Empty),
                MemberTypeKind.ImmutableArray => (immutable + "ImmutableArray.CreateBuilder<" + element.TypeName + ">()", ".ToImmutable()"),
                MemberTypeKind.ImmutableList => (immutable + "ImmutableList.CreateBuilder<" + element.TypeName + ">()", ".ToImmutable()"),
                _ => throw new InvalidOperationException("Unexpected member kind " + type.Kind + "."),
            };

            var list = NextLocal("list");
            var item = NextLocal("item");
            w.WriteLine("if (reader.TokenType != " + Json + ".JsonTokenType.StartArray)");
            w.OpenBlock();
            w.WriteLine("throw Expected(" + EmitHelpers.Literal(label) + ", \"a JSON array\", reader.TokenType);");
            w.CloseBlock();
            w.WriteLine();
            w.WriteLine("var " + list + " = " + create + ";");
            w.WriteLine("while (true)");
            w.OpenBlock();
            w.WriteLine("Next(ref reader);");
            w.WriteLine("if (reader.TokenType == " + Json + ".JsonTokenType.EndArray)");
            w.OpenBlock();
            w.WriteLine("break;");
            w.CloseBlock();
            w.WriteLine();
            w.WriteLine(element.TypeName + " " + item + ";");
            EmitRead(element, item, label + "[]");
            w.WriteLine(list + ".Add(" + item + ");");
            w.CloseBlock();
            w.WriteLine();
            w.WriteLine(target + " = " + list + finish + ";");
        }

        /// <summary>Reads a JSON object into a <c>Dictionary&lt;string, T&gt;</c>; a repeated key keeps the last value, like System.Text.Json.</summary>
        private void EmitReadDictionary(TypeSpec type, string target, string label)
        {
            var w = writer;
            var element = type.Element!;
            var dictionary = NextLocal("dictionary");
            var key = NextLocal("key");
            var item = NextLocal("item");
            w.WriteLine("if (reader.TokenType != " + Json + ".JsonTokenType.StartObject)");
            w.OpenBlock();
            w.WriteLine("throw Expected(" + EmitHelpers.Literal(label) + ", \"a JSON object\", reader.TokenType);");
            w.CloseBlock();
            w.WriteLine();
            w.WriteLine("var " + dictionary + " = new global::System.Collections.Generic.Dictionary<string, " + element.TypeName + ">();");
            w.WriteLine("while (true)");
            w.OpenBlock();
            w.WriteLine("Next(ref reader);");
            w.WriteLine("if (reader.TokenType == " + Json + ".JsonTokenType.EndObject)");
            w.OpenBlock();
            w.WriteLine("break;");
            w.CloseBlock();
            w.WriteLine();
            w.WriteLine("var " + key + " = reader.GetString()!;");
            w.WriteLine("Next(ref reader);");
            w.WriteLine(element.TypeName + " " + item + ";");
            EmitRead(element, item, label + "{}");
            w.WriteLine(dictionary + "[" + key + "] = " + item + ";");
            w.CloseBlock();
            w.WriteLine();
            w.WriteLine(target + " = " + dictionary + ";");
        }

        private void EmitEnum(EnumSpec spec, int index)
        {
            var w = writer;
            var type = spec.FullyQualifiedName;
            w.WriteLine();
            w.WriteLine("private static void WriteEnum" + index + "(" + Json + ".Utf8JsonWriter writer, " + type + " value)");
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

            w.WriteLine("// Combined flags and values without a name: written the way JsonStringEnumConverter writes them.");
            w.WriteLine("var text = value.ToString();");
            w.WriteLine("if (text.Length > 0 && (char.IsDigit(text[0]) || text[0] == '-'))");
            w.OpenBlock();
            w.WriteLine("writer.WriteNumberValue((" + (spec.UnderlyingType is "byte" or "sbyte" or "short" or "ushort" ? "int" : spec.UnderlyingType) + ")value);");
            w.CloseBlock();
            w.WriteLine("else");
            w.OpenBlock();
            w.WriteLine("writer.WriteStringValue(text);");
            w.CloseBlock();
            w.CloseBlock();

            w.WriteLine();
            w.WriteLine("private static " + type + " ReadEnum" + index + "(ref " + Json + ".Utf8JsonReader reader)");
            w.OpenBlock();
            w.WriteLine("if (reader.TokenType == " + Json + ".JsonTokenType.Number)");
            w.OpenBlock();
            w.WriteLine("return (" + type + ")reader." + spec.ReaderMethod + "();");
            w.CloseBlock();
            w.WriteLine();
            w.WriteLine("if (reader.TokenType != " + Json + ".JsonTokenType.String)");
            w.OpenBlock();
            w.WriteLine("throw Expected(" + EmitHelpers.Literal(type.Replace("global::", string.Empty)) + ", \"a string or a number\", reader.TokenType);");
            w.CloseBlock();
            w.WriteLine();
            foreach (var name in spec.AllNames)
            {
                w.WriteLine("if (reader.ValueTextEquals(" + EmitHelpers.Utf8Literal(name) + "))");
                w.OpenBlock();
                w.WriteLine("return " + type + "." + Names.Identifier(name) + ";");
                w.CloseBlock();
                w.WriteLine();
            }

            w.WriteLine("var text = reader.GetString();");
            w.WriteLine("if (global::System.Enum.TryParse<" + type + ">(text, ignoreCase: true, out var parsed))");
            w.OpenBlock();
            w.WriteLine("return parsed;");
            w.CloseBlock();
            w.WriteLine();
            w.WriteLine("throw new " + Exception + "(\"Cannot deserialize '\" + ContractName + \"': '\" + text + \"' is not a value of " + EmitHelpers.Literal(type.Replace("global::", string.Empty)).Trim('"') + ".\");");
            w.CloseBlock();
        }

        private void EmitHelperMethods()
        {
            var w = writer;
            w.WriteLine();
            w.WriteLine("private static void Next(ref " + Json + ".Utf8JsonReader reader)");
            w.OpenBlock();
            w.WriteLine("if (!reader.Read())");
            w.OpenBlock();
            w.WriteLine("throw new " + Exception + "(\"Cannot deserialize '\" + ContractName + \"': the JSON payload ended early.\");");
            w.CloseBlock();
            w.CloseBlock();
            w.WriteLine();
            w.WriteLine("private static " + Exception + " Expected(string what, string expected, " + Json + ".JsonTokenType actual) =>");
            w.WriteLine("    new(\"Cannot deserialize '\" + ContractName + \"': expected \" + expected + \" for '\" + what + \"' but found \" + actual.ToString() + \".\");");
            if (usesMissing)
            {
                w.WriteLine();
                w.WriteLine("private static " + Exception + " Missing(string member) =>");
                w.WriteLine("    new(\"Cannot deserialize '\" + ContractName + \"': the required member '\" + member + \"' is missing.\");");
            }

            if (usesNullValue)
            {
                w.WriteLine();
                w.WriteLine("private static " + Exception + " NullValue(string member) =>");
                w.WriteLine("    new(\"Cannot deserialize '\" + ContractName + \"': the member '\" + member + \"' cannot be null.\");");
            }

            if (usesChar)
            {
                w.WriteLine();
                w.WriteLine("private static char ReadChar(ref " + Json + ".Utf8JsonReader reader, string member)");
                w.OpenBlock();
                w.WriteLine("var text = reader.GetString()!;");
                w.WriteLine("if (text.Length != 1)");
                w.OpenBlock();
                w.WriteLine("throw new " + Exception + "(\"Cannot deserialize '\" + ContractName + \"': the member '\" + member + \"' must be a single character.\");");
                w.CloseBlock();
                w.WriteLine();
                w.WriteLine("return text[0];");
                w.CloseBlock();
            }
        }

        private string NextLocal(string prefix) => prefix + (localCounter++).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
