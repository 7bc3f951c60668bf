using System.Text;
using Microsoft.CodeAnalysis;

namespace MessageContracts.Shared
{
    /// <summary>
    /// The naming rules that reach the wire: the default topic, the message type (<c>ce_type</c>) and JSON
    /// member names. The generator and the analyzers both use these, so a diagnostic and the generated code
    /// can never disagree about a name.
    /// </summary>
    internal static class MessageNaming
    {
        /// <summary>Kafka's limit on topic name length.</summary>
        public const int MaxTopicLength = 249;

        /// <summary>
        /// The default topic for a contract type name: kebab case, acronyms kept together and digits kept with the
        /// word before them. <c>OrderPlaced</c> -> <c>order-placed</c>, <c>HTTPRequestSent</c> ->
        /// <c>http-request-sent</c>, <c>Order2Placed</c> -> <c>order2-placed</c>.
        /// </summary>
        public static string ToKebabCase(string name)
        {
            var builder = new StringBuilder(name.Length + 8);
            for (var i = 0; i < name.Length; i++)
            {
                var c = name[i];
                if (c == '_' || c == '-' || c == '.' || c == ' ')
                {
                    AppendSeparator(builder);
                    continue;
                }

                if (char.IsUpper(c))
                {
                    if (i > 0)
                    {
                        var previous = name[i - 1];
                        var nextIsLower = i + 1 < name.Length && char.IsLower(name[i + 1]);
                        if (char.IsLower(previous) || char.IsDigit(previous) || (char.IsUpper(previous) && nextIsLower))
                        {
                            AppendSeparator(builder);
                        }
                    }

                    builder.Append(char.ToLowerInvariant(c));
                }
                else
                {
                    builder.Append(c);
                }
            }

            // A trailing separator ("Foo_") would make an odd topic name.
            while (builder.Length > 0 && builder[builder.Length - 1] == '-')
            {
                builder.Length--;
            }

            return builder.ToString();

            static void AppendSeparator(StringBuilder builder)
            {
                if (builder.Length > 0 && builder[builder.Length - 1] != '-')
                {
                    builder.Append('-');
                }
            }
        }

        /// <summary>
        /// The message type (<c>ce_type</c>) of a contract: the <c>Type</c> argument of its <c>[Event]</c> or
        /// <c>[Command]</c> when set, else <see cref="GetDefaultMessageType"/>. Works for contracts declared in source
        /// and in referenced assemblies alike.
        /// </summary>
        public static string GetMessageType(INamedTypeSymbol type) => GetMessageTypeOverride(type) ?? GetDefaultMessageType(type);

        /// <summary>
        /// The default message type of a contract: its simple name, with containing types joined by <c>.</c>
        /// (<c>Outer.Inner</c>). The namespace is deliberately left out, so moving a contract to another namespace
        /// does not change the wire.
        /// </summary>
        public static string GetDefaultMessageType(INamedTypeSymbol type)
        {
            var name = type.Name;
            for (var containing = type.ContainingType; containing is not null; containing = containing.ContainingType)
            {
                name = containing.Name + "." + name;
            }

            return name;
        }

        /// <summary>The <c>Type</c> argument of the first <c>[Event]</c>/<c>[Command]</c> on <paramref name="type"/>, or <see langword="null"/> when not set.</summary>
        public static string? GetMessageTypeOverride(INamedTypeSymbol type) =>
            ContractShape.GetKindAttribute(type) is { } attribute ? ContractAttributes.NamedString(attribute, KnownNames.TypeArgument) : null;

        /// <summary>
        /// Whether <paramref name="messageType"/> can be a <c>ce_type</c>: not empty, no white space at either end
        /// (header values are compared exactly) and no control characters.
        /// </summary>
        public static bool IsValidMessageType(string? messageType)
        {
            if (messageType is null || messageType.Length == 0 ||
                char.IsWhiteSpace(messageType[0]) || char.IsWhiteSpace(messageType[messageType.Length - 1]))
            {
                return false;
            }

            foreach (var c in messageType)
            {
                if (char.IsControl(c))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The default topic of a contract: the kebab case of its simple name.</summary>
        public static string GetDefaultTopic(INamedTypeSymbol type) => ToKebabCase(type.Name);

        /// <summary>
        /// Whether <paramref name="topic"/> is a legal Kafka topic name: 1 to 249 characters from
        /// <c>[a-zA-Z0-9._-]</c>, and neither <c>.</c> nor <c>..</c>.
        /// </summary>
        public static bool IsValidTopic(string? topic)
        {
            if (topic is null || topic.Length == 0 || topic.Length > MaxTopicLength || topic == "." || topic == "..")
            {
                return false;
            }

            foreach (var c in topic)
            {
                var ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
                if (!ok)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// The JSON name of a member: System.Text.Json's camel-case policy (<c>JsonNamingPolicy.CamelCase</c>),
        /// reproduced exactly so generated serializers and <c>JsonSerializerDefaults.Web</c> agree on the wire.
        /// </summary>
        public static string ToCamelCase(string name)
        {
            if (string.IsNullOrEmpty(name) || !char.IsUpper(name[0]))
            {
                return name;
            }

            var chars = name.ToCharArray();
            for (var i = 0; i < chars.Length; i++)
            {
                if (i == 1 && !char.IsUpper(chars[i]))
                {
                    break;
                }

                var hasNext = i + 1 < chars.Length;

                // Stop when the next character is already lower case.
                if (i > 0 && hasNext && !char.IsUpper(chars[i + 1]))
                {
                    // If the next character is a space, lower-case the current one before stopping.
                    if (chars[i + 1] == ' ')
                    {
                        chars[i] = char.ToLowerInvariant(chars[i]);
                    }

                    break;
                }

                chars[i] = char.ToLowerInvariant(chars[i]);
            }

            return new string(chars);
        }
    }
}
