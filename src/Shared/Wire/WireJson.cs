using System;
using System.Collections.Generic;
using System.Linq;

namespace MessageContracts.Shared.Wire
{
    /// <summary>
    /// The JSON form of <see cref="WireDocument"/> and <see cref="WireContract"/>. One contract is written the same
    /// way in the model the generator embeds and in the committed baseline, so the two compare member by member.
    /// </summary>
    internal static class WireJson
    {
        /// <summary>The version of the baseline and model formats; a reader rejects a newer one.</summary>
        public const int FormatVersion = 1;

        /// <summary>The baseline file's name, beside the project file.</summary>
        public const string BaselineFileName = "MessageContracts.Shipped.json";

        /// <summary>The committed baseline: the contracts alone, readable, one member per line.</summary>
        public static string WriteBaseline(IEnumerable<WireContract> contracts)
        {
            var root = JsonNode.NewObject()
                .Add("formatVersion", JsonNode.Number(FormatVersion.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            var array = JsonNode.NewArray();
            foreach (var contract in contracts.OrderBy(c => c.CeType, StringComparer.Ordinal))
            {
                array.Append(ToJson(contract));
            }

            root.Add("contracts", array);
            return JsonText.WriteReadable(root);
        }

        /// <summary>The model embedded in the assembly: everything, on one line.</summary>
        public static string WriteModel(WireDocument document)
        {
            var root = JsonNode.NewObject()
                .Add("formatVersion", JsonNode.Number(FormatVersion.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                .Add("assembly", document.Assembly);
            var contracts = JsonNode.NewArray();
            foreach (var contract in document.Contracts)
            {
                contracts.Append(ToJson(contract));
            }

            root.Add("contracts", contracts);
            root.Add("sends", ToJson(document.Sends));
            root.Add("receives", ToJson(document.Receives));
            return JsonText.WriteCompact(root);
        }

        /// <summary>Reads a model or a baseline. Throws <see cref="JsonFormatException"/> when it is not one.</summary>
        public static WireDocument Read(string text) => Read(JsonText.Parse(text));

        /// <inheritdoc cref="Read(string)"/>
        public static WireDocument Read(JsonNode root)
        {
            if (root.Kind != JsonKind.Object)
            {
                throw Invalid(root, "the document must be a JSON object");
            }

            var version = root.Get("formatVersion");
            if (version is null || version.Kind != JsonKind.Number || version.Text != "1")
            {
                throw Invalid(version ?? root, "'formatVersion' must be 1 (this version of MessageContracts reads format 1)");
            }

            var document = new WireDocument { Assembly = OptionalString(root, "assembly") ?? string.Empty };
            foreach (var item in Array(root, "contracts"))
            {
                document.Contracts.Add(ReadContract(item));
            }

            foreach (var item in OptionalArray(root, "sends"))
            {
                document.Sends.Add(ReadRef(item));
            }

            foreach (var item in OptionalArray(root, "receives"))
            {
                document.Receives.Add(ReadRef(item));
            }

            return document;
        }

        public static JsonNode ToJson(WireContract contract)
        {
            var node = JsonNode.NewObject()
                .Add("ceType", contract.CeType)
                .Add("kind", contract.Kind)
                .Add("topic", contract.Topic)
                .Add("partitionKey", contract.PartitionKey is null ? JsonNode.Null : JsonNode.String(contract.PartitionKey))
                .Add("clrType", contract.ClrType);
            if (contract.Delivery is not null)
            {
                // Only when set, so the documents and baselines of every other contract stay as they were.
                node.Add("delivery", contract.Delivery);
            }

            node.Add("members", ToJson(contract.Members));
            return node;
        }

        public static WireContract ReadContract(JsonNode node)
        {
            RequireObject(node, "a contract");
            var contract = new WireContract
            {
                CeType = String(node, "ceType"),
                Kind = String(node, "kind"),
                Topic = String(node, "topic"),
                PartitionKey = OptionalString(node, "partitionKey"),
                ClrType = OptionalString(node, "clrType") ?? string.Empty,
                Delivery = OptionalString(node, "delivery"),
            };
            contract.Members.AddRange(ReadMembers(node));
            return contract;
        }

        private static JsonNode ToJson(List<WireMember> members)
        {
            var array = JsonNode.NewArray();
            foreach (var member in members)
            {
                var node = JsonNode.NewObject().Add("name", member.Name);
                WriteType(node, member.Type);
                node.Add("required", member.Required);
                WriteNested(node, member.Type);
                array.Append(node);
            }

            return array;
        }

        private static JsonNode ToJson(WireType type)
        {
            var node = JsonNode.NewObject();
            WriteType(node, type);
            WriteNested(node, type);
            return node;
        }

        private static void WriteType(JsonNode node, WireType type)
        {
            node.Add("type", type.Type);
            if (type.Format is not null)
            {
                node.Add("format", type.Format);
            }

            if (type.Enum is not null)
            {
                var values = JsonNode.NewArray();
                foreach (var value in type.Enum)
                {
                    values.Append(JsonNode.String(value));
                }

                node.Add("enum", values);
            }

            node.Add("nullable", type.Nullable);
        }

        private static void WriteNested(JsonNode node, WireType type)
        {
            if (type.Items is not null)
            {
                node.Add("items", ToJson(type.Items));
            }

            if (type.Values is not null)
            {
                node.Add("values", ToJson(type.Values));
            }

            if (type.Members is not null)
            {
                node.Add("members", ToJson(type.Members));
            }
        }

        private static JsonNode ToJson(List<WireMessageRef> refs)
        {
            var array = JsonNode.NewArray();
            foreach (var item in refs)
            {
                array.Append(JsonNode.NewObject()
                    .Add("ceType", item.CeType)
                    .Add("kind", item.Kind)
                    .Add("topic", item.Topic)
                    .Add("clrType", item.ClrType));
            }

            return array;
        }

        private static WireMessageRef ReadRef(JsonNode node)
        {
            RequireObject(node, "a message reference");
            return new WireMessageRef
            {
                CeType = String(node, "ceType"),
                Kind = String(node, "kind"),
                Topic = String(node, "topic"),
                ClrType = OptionalString(node, "clrType") ?? string.Empty,
            };
        }

        private static IEnumerable<WireMember> ReadMembers(JsonNode node)
        {
            foreach (var item in Array(node, "members"))
            {
                RequireObject(item, "a member");
                yield return new WireMember
                {
                    Name = String(item, "name"),
                    Type = ReadType(item),
                    Required = Bool(item, "required"),
                };
            }
        }

        private static WireType ReadType(JsonNode node)
        {
            RequireObject(node, "a type");
            var type = new WireType
            {
                Type = String(node, "type"),
                Format = OptionalString(node, "format"),
                Nullable = Bool(node, "nullable"),
            };
            if (node.Get("enum") is { } values)
            {
                if (values.Kind != JsonKind.Array || values.Items!.Any(v => v.Kind != JsonKind.String))
                {
                    throw Invalid(values, "'enum' must be an array of strings");
                }

                type.Enum = values.Items!.Select(v => v.Text!).ToList();
            }

            if (node.Get("items") is { } items)
            {
                type.Items = ReadType(items);
            }

            if (node.Get("values") is { } dictionaryValues)
            {
                type.Values = ReadType(dictionaryValues);
            }

            if (node.Get("members") is not null)
            {
                type.Members = ReadMembers(node).ToList();
            }

            return type;
        }

        private static void RequireObject(JsonNode node, string what)
        {
            if (node.Kind != JsonKind.Object)
            {
                throw Invalid(node, what + " must be a JSON object");
            }
        }

        private static string String(JsonNode node, string name) =>
            OptionalString(node, name) ?? throw Invalid(node, "'" + name + "' is missing");

        private static string? OptionalString(JsonNode node, string name)
        {
            var value = node.Get(name);
            if (value is null || value.Kind == JsonKind.Null)
            {
                return null;
            }

            return value.Kind == JsonKind.String ? value.Text : throw Invalid(value, "'" + name + "' must be a string");
        }

        private static bool Bool(JsonNode node, string name)
        {
            var value = node.Get(name);
            return value?.Kind switch
            {
                JsonKind.True => true,
                JsonKind.False => false,
                null => throw Invalid(node, "'" + name + "' is missing"),
                _ => throw Invalid(value, "'" + name + "' must be true or false"),
            };
        }

        private static List<JsonNode> Array(JsonNode node, string name)
        {
            var value = node.Get(name);
            if (value is null)
            {
                throw Invalid(node, "'" + name + "' is missing");
            }

            return value.Kind == JsonKind.Array ? value.Items! : throw Invalid(value, "'" + name + "' must be an array");
        }

        private static List<JsonNode> OptionalArray(JsonNode node, string name) =>
            node.Get(name) is null ? new List<JsonNode>() : Array(node, name);

        private static JsonFormatException Invalid(JsonNode node, string message) => new(message, Math.Max(node.Line, 1), 1);
    }
}
