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
    /// wire-compatible with System.Text.Json's web defaults plus <c>JsonStringEnumConverter</c>. The serializer holds
    /// only the contract's own member list and construction (<see cref="CodecEmitter"/>); the shared parts and enums
    /// have their codecs in files of their own (<see cref="SharedTypeEmitter"/>).
    /// </summary>
    internal sealed class ContractEmitter
    {
        private const string Json = "global::System.Text.Json";
        private const string Invariant = "global::System.Globalization.CultureInfo.InvariantCulture";
        private const string SerializerClass = "__MessageContractsSerializer";

        private readonly ContractSpec spec;
        private readonly SourceWriter writer = new();
        private readonly Dictionary<string, int> partIndexes = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> enumIndexes = new(StringComparer.Ordinal);

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
            w.WriteLine(EmitHelpers.Pragmas);
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
            if (spec.MessageId is { } messageId)
            {
                // Only contracts with a [MessageId] member implement it; the interface's default says "none".
                w.WriteLine("/// <inheritdoc/>");
                w.WriteLine(generatedCode);
                w.WriteLine("static string? " + contractInterface + ".GetMessageIdValue(" + self + " message) => " + MessageIdExpression(messageId) + ";");
                w.WriteLine();
            }

            if (spec.Delivery == ContractDelivery.AtMostOnce)
            {
                // Only events that accept loss implement it; the interface's default says "at least once".
                w.WriteLine("/// <inheritdoc/>");
                w.WriteLine(generatedCode);
                w.WriteLine("static global::MessageContracts.Delivery " + contractInterface + ".Delivery => global::MessageContracts.Delivery.AtMostOnce;");
                w.WriteLine();
            }

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

        /// <summary>
        /// The runtime turns the value into text and refuses null, empty and <c>Guid.Empty</c> values, so the text
        /// the ID is derived from is defined in one place (MessageContracts.Infrastructure.MessageIdValues).
        /// </summary>
        private static string MessageIdExpression(MessageIdSpec messageId)
        {
            var method = messageId.Kind switch
            {
                MessageIdKind.String => "FromString",
                MessageIdKind.Guid => "FromGuid",
                MessageIdKind.UnsignedInteger => "FromUInt64",
                _ => "FromInt64",
            };
            return "global::MessageContracts.Infrastructure.MessageIdValues." + method + "(message." + messageId.PropertyName + ", " + EmitHelpers.Literal(messageId.PropertyName.TrimStart('@')) + ")";
        }

        private void EmitSerializerClass()
        {
            var w = writer;
            var self = spec.FullyQualifiedName;
            var codecs = new CodecEmitter(w, CodecName);
            w.WriteLine("/// <summary>The generated UTF-8 JSON reader and writer of <see cref=\"" + spec.Declaration.Name + "\"/>.</summary>");
            w.WriteLine(EmitHelpers.GeneratedCodeAttribute);
            w.WriteLine("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
            w.WriteLine("private static class " + SerializerClass);
            w.OpenBlock();
            codecs.EmitNames(spec.Object);
            w.WriteLine();
            w.WriteLine("public static void Write(" + CodecEmitter.Writer + " writer, " + self + " message)");
            w.OpenBlock();
            w.WriteLine("global::System.ArgumentNullException.ThrowIfNull(writer);");
            if (!spec.Object.IsValueType)
            {
                w.WriteLine("global::System.ArgumentNullException.ThrowIfNull(message);");
            }

            codecs.EmitWriteBody(spec.Object, "message");
            w.CloseBlock();
            w.WriteLine();
            w.WriteLine("public static " + self + " Read(global::System.ReadOnlySpan<byte> utf8Json) =>");
            w.WriteLine("    " + CodecEmitter.Runtime + ".Deserialize<" + self + ">(utf8Json, " + EmitHelpers.Literal(spec.DisplayName) + ", ReadContract);");
            w.WriteLine();
            w.WriteLine("private static " + self + " ReadContract(ref " + CodecEmitter.Reader + " reader, string label)");
            w.OpenBlock();
            codecs.EmitReadBody(spec.Object, isContract: true);
            w.CloseBlock();

            // Parts and enums only this contract can see; the others are shared by the compilation (SharedTypeEmitter).
            for (var i = 0; i < spec.Parts.Count; i++)
            {
                w.WriteLine();
                codecs.EmitPartCodec(spec.Parts[i], "Part" + i, "private");
            }

            for (var i = 0; i < spec.Enums.Count; i++)
            {
                w.WriteLine();
                codecs.EmitEnumCodec(spec.Enums[i], "Enum" + i, "private");
            }

            w.CloseBlock();
        }

        private string CodecName(string fullyQualifiedName) =>
            partIndexes.TryGetValue(fullyQualifiedName, out var part) ? "Part" + part
            : enumIndexes.TryGetValue(fullyQualifiedName, out var value) ? "Enum" + value
            : CodecEmitter.SharedCodec(fullyQualifiedName);
    }
}
