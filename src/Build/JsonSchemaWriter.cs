using System.Collections.Generic;
using System.Linq;
using MessageContracts.Shared.Wire;

namespace MessageContracts.Build
{
    /// <summary>
    /// The JSON Schema of a contract's payload. It uses only keywords that mean the same in JSON Schema 2020-12 and in
    /// draft-07 (the AsyncAPI 3.0 schema format is a superset of draft-07), with no <c>$ref</c>, so one schema serves both
    /// the standalone files (declared 2020-12) and the AsyncAPI document. Objects stay open (no
    /// <c>additionalProperties: false</c>): the generated readers skip members they do not know.
    /// </summary>
    internal static class JsonSchemaWriter
    {
        public const string Draft202012 = "https://json-schema.org/draft/2020-12/schema";

        /// <summary>The standalone schema document of <paramref name="contract"/>.</summary>
        public static JsonNode Document(WireContract contract)
        {
            var root = JsonNode.NewObject()
                .Add("$schema", Draft202012)
                .Add("$id", "urn:messagecontracts:" + contract.CeType)
                .Add("title", contract.CeType)
                .Add("description", (contract.Kind == "command" ? "Command" : "Event") + " '" + contract.CeType + "' (C# " + contract.ClrType + ") on topic '" + contract.Topic + "'.");
            AddObject(root, contract.Members);
            return root;
        }

        /// <summary>The payload schema inside the AsyncAPI document.</summary>
        public static JsonNode Payload(WireContract contract)
        {
            var root = JsonNode.NewObject();
            AddObject(root, contract.Members);
            return root;
        }

        private static void AddObject(JsonNode node, List<WireMember> members)
        {
            node.Add("type", "object");
            var properties = JsonNode.NewObject();
            foreach (var member in members)
            {
                properties.Add(member.Name, Schema(member.Type));
            }

            node.Add("properties", properties);
            var required = members.Where(m => m.Required).Select(m => JsonNode.String(m.Name)).ToList();
            if (required.Count > 0)
            {
                var array = JsonNode.NewArray();
                required.ForEach(item => array.Append(item));
                node.Add("required", array);
            }
        }

        public static JsonNode Schema(WireType type)
        {
            var node = JsonNode.NewObject();
            if (type.Nullable)
            {
                node.Add("type", JsonNode.NewArray().Append(JsonNode.String(type.Type)).Append(JsonNode.String("null")));
            }
            else
            {
                node.Add("type", type.Type);
            }

            switch (type.Format)
            {
                case null:
                    break;
                case "base64":
                    node.Add("contentEncoding", "base64");
                    break;
                case "char":
                    node.Add("minLength", JsonNode.Number("1")).Add("maxLength", JsonNode.Number("1"));
                    break;
                default:
                    node.Add("format", type.Format);
                    break;
            }

            if (type.Enum is not null)
            {
                var values = JsonNode.NewArray();
                type.Enum.ForEach(value => values.Append(JsonNode.String(value)));
                if (type.Nullable)
                {
                    values.Append(JsonNode.Null);
                }

                node.Add("enum", values);
            }

            if (type.Items is not null)
            {
                node.Add("items", Schema(type.Items));
            }

            if (type.Values is not null)
            {
                node.Add("additionalProperties", Schema(type.Values));
            }

            if (type.Members is not null)
            {
                var nested = JsonNode.NewObject();
                AddObject(nested, type.Members);
                foreach (var property in nested.Properties!)
                {
                    if (property.Key != "type")
                    {
                        node.Add(property.Key, property.Value);
                    }
                }
            }

            return node;
        }
    }
}
