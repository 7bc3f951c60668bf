using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using MessageContracts.Shared.Wire;

namespace MessageContracts.Build
{
    /// <summary>
    /// Writes an assembly's AsyncAPI 3.0.0 document from its contract model: one channel per topic (its partition key
    /// in the Kafka message bindings), one message per contract (the payload's JSON Schema and the CloudEvents Kafka
    /// binding's headers), and one operation per message sent (published, sent or enqueued in an outbox) or received
    /// (handled), as far as the compilation shows them.
    /// </summary>
    internal static class AsyncApiWriter
    {
        public const string Version = "3.0.0";
        private const string KafkaBindingVersion = "0.5.0";

        public static string Write(WireDocument document)
        {
            var contracts = document.Contracts.GroupBy(c => c.CeType, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

            // Every message the document mentions: the assembly's contracts, and contracts of other assemblies it sends or handles.
            var messages = new SortedDictionary<string, WireMessageRef>(StringComparer.Ordinal);
            foreach (var contract in document.Contracts)
            {
                messages[contract.CeType] = new WireMessageRef { CeType = contract.CeType, Kind = contract.Kind, Topic = contract.Topic, ClrType = contract.ClrType };
            }

            foreach (var item in document.Sends.Concat(document.Receives))
            {
                if (!messages.ContainsKey(item.CeType))
                {
                    messages[item.CeType] = item;
                }
            }

            var messageIds = UniqueIds(messages.Keys);
            var channelIds = UniqueIds(messages.Values.Select(m => m.Topic).Distinct(StringComparer.Ordinal).OrderBy(t => t, StringComparer.Ordinal));

            var root = JsonNode.NewObject()
                .Add("asyncapi", Version)
                .Add("info", JsonNode.NewObject()
                    .Add("title", document.Assembly.Length > 0 ? document.Assembly : "MessageContracts")
                    .Add("version", "1.0.0")
                    .Add("description", "The Kafka topics, messages and operations of " + document.Assembly + ", generated at build time by MessageContracts. Each message travels with the CloudEvents Kafka protocol binding in binary mode: the ce_* headers carry the envelope, the record value is the JSON payload, and the record key is the contract's partition key."))
                .Add("defaultContentType", "application/json");

            root.Add("channels", Channels(messages.Values, messageIds, channelIds));
            root.Add("operations", Operations(document, messages, messageIds, channelIds));
            root.Add("components", JsonNode.NewObject().Add("messages", Messages(messages.Values, contracts, messageIds)));
            return JsonText.WriteReadable(root);
        }

        private static JsonNode Channels(IEnumerable<WireMessageRef> messages, Dictionary<string, string> messageIds, Dictionary<string, string> channelIds)
        {
            var channels = JsonNode.NewObject();
            foreach (var topic in messages.GroupBy(m => m.Topic, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var channelMessages = JsonNode.NewObject();
                foreach (var message in topic.OrderBy(m => m.CeType, StringComparer.Ordinal))
                {
                    channelMessages.Add(messageIds[message.CeType], Ref("#/components/messages/" + messageIds[message.CeType]));
                }

                channels.Add(channelIds[topic.Key], JsonNode.NewObject()
                    .Add("address", topic.Key)
                    .Add("description", "Kafka topic '" + topic.Key + "'.")
                    .Add("messages", channelMessages)
                    .Add("bindings", JsonNode.NewObject().Add("kafka", JsonNode.NewObject()
                        .Add("topic", topic.Key)
                        .Add("bindingVersion", KafkaBindingVersion))));
            }

            return channels;
        }

        private static JsonNode Operations(WireDocument document, SortedDictionary<string, WireMessageRef> messages, Dictionary<string, string> messageIds, Dictionary<string, string> channelIds)
        {
            var operations = JsonNode.NewObject();
            void Add(string action, IEnumerable<WireMessageRef> refs)
            {
                foreach (var ceType in refs.Select(r => r.CeType).Distinct(StringComparer.Ordinal).OrderBy(t => t, StringComparer.Ordinal))
                {
                    var message = messages[ceType];
                    var channelId = channelIds[message.Topic];
                    var messageId = messageIds[ceType];
                    operations.Add(action + messageId, JsonNode.NewObject()
                        .Add("action", action)
                        .Add("channel", Ref("#/channels/" + Escape(channelId)))
                        .Add("summary", (action == "send" ? (message.Kind == "command" ? "Sends the command " : "Publishes the event ") : "Handles the " + message.Kind + " ") + ceType + ".")
                        .Add("messages", JsonNode.NewArray().Append(Ref("#/channels/" + Escape(channelId) + "/messages/" + Escape(messageId)))));
                }
            }

            Add("send", document.Sends);
            Add("receive", document.Receives);
            return operations;
        }

        private static JsonNode Messages(IEnumerable<WireMessageRef> messages, Dictionary<string, WireContract> contracts, Dictionary<string, string> messageIds)
        {
            var result = JsonNode.NewObject();
            foreach (var message in messages)
            {
                var node = JsonNode.NewObject()
                    .Add("name", message.CeType)
                    .Add("title", message.CeType)
                    .Add("summary", (message.Kind == "command" ? "Command" : "Event") + " " + message.ClrType + ".")
                    .Add("contentType", "application/json")
                    .Add("headers", Headers(message.CeType));
                contracts.TryGetValue(message.CeType, out var contract);
                if (contract is not null)
                {
                    node.Add("payload", JsonSchemaWriter.Payload(contract));
                }

                if (contract?.Delivery is { } delivery)
                {
                    // A specification extension: AsyncAPI has no field for a message's delivery guarantee.
                    node.Add("description", "At most once ([Event(Delivery = Delivery.AtMostOnce)]): over Redis it travels by pub/sub, nothing is stored, and it is lost when no subscriber listens.");
                    node.Add("x-messagecontracts-delivery", delivery);
                }

                var key = JsonNode.NewObject().Add("type", "string");
                key.Add("description", contract?.PartitionKey is { } partitionKey
                    ? "The partition key: the '" + partitionKey + "' member, as invariant text; messages with one key keep their order."
                    : contract is null ? "The partition key (declared in another assembly)." : "No partition key: records carry no key.");
                node.Add("bindings", JsonNode.NewObject().Add("kafka", JsonNode.NewObject()
                    .Add("key", key)
                    .Add("bindingVersion", KafkaBindingVersion)));
                result.Add(messageIds[message.CeType], node);
            }

            return result;
        }

        /// <summary>The CloudEvents Kafka binding's headers (binary mode) and the W3C trace context.</summary>
        private static JsonNode Headers(string ceType)
        {
            var properties = JsonNode.NewObject()
                .Add("ce_specversion", JsonNode.NewObject().Add("type", "string").Add("const", "1.0").Add("description", "CloudEvents spec version."))
                .Add("ce_id", JsonNode.NewObject().Add("type", "string").Add("description", "The message ID (a UUIDv7 unless derived from the message), the same on every redelivery; consumers drop repeats."))
                .Add("ce_type", JsonNode.NewObject().Add("type", "string").Add("const", ceType).Add("description", "The message type; consumers pick the handler by it."))
                .Add("ce_source", JsonNode.NewObject().Add("type", "string").Add("description", "The sending service."))
                .Add("ce_time", JsonNode.NewObject().Add("type", "string").Add("format", "date-time").Add("description", "When the message was created."))
                .Add("content-type", JsonNode.NewObject().Add("type", "string").Add("const", "application/json"))
                .Add("traceparent", JsonNode.NewObject().Add("type", "string").Add("description", "W3C trace context."))
                .Add("tracestate", JsonNode.NewObject().Add("type", "string").Add("description", "W3C trace context."));
            return JsonNode.NewObject()
                .Add("type", "object")
                .Add("properties", properties)
                .Add("required", JsonNode.NewArray()
                    .Append(JsonNode.String("ce_specversion"))
                    .Append(JsonNode.String("ce_id"))
                    .Append(JsonNode.String("ce_type"))
                    .Append(JsonNode.String("ce_source")));
        }

        private static JsonNode Ref(string target) => JsonNode.NewObject().Add("$ref", target);

        /// <summary>A JSON Pointer token (RFC 6901).</summary>
        private static string Escape(string token) => token.Replace("~", "~0").Replace("/", "~1");

        /// <summary>
        /// Identifiers for map keys: AsyncAPI component keys allow letters, digits, '.', '-' and '_'; anything else
        /// becomes '_', and a clash after that gets a number.
        /// </summary>
        private static Dictionary<string, string> UniqueIds(IEnumerable<string> names)
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            var used = new HashSet<string>(StringComparer.Ordinal);
            foreach (var name in names)
            {
                var id = Sanitize(name);
                var candidate = id;
                for (var i = 2; !used.Add(candidate); i++)
                {
                    candidate = id + "_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                result[name] = candidate;
            }

            return result;
        }

        public static string Sanitize(string name)
        {
            var builder = new StringBuilder(name.Length);
            foreach (var c in name)
            {
                builder.Append(c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '-' or '_' ? c : '_');
            }

            return builder.Length == 0 ? "_" : builder.ToString();
        }
    }
}
