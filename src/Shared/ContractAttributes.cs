using Microsoft.CodeAnalysis;

namespace MessageContracts.Shared
{
    /// <summary>Reading the <c>[Event]</c>/<c>[Command]</c> attributes, in one place for the generator and the analyzers.</summary>
    internal static class ContractAttributes
    {
        // The simple names of KnownNames.EventAttribute and KnownNames.CommandAttribute.
        private const string EventAttributeName = "EventAttribute";
        private const string CommandAttributeName = "CommandAttribute";

        /// <summary>Whether <paramref name="attribute"/> is <c>[Event]</c> or <c>[Command]</c>.</summary>
        public static bool IsKindAttribute(AttributeData attribute)
        {
            // Called for every attribute of every type the analyzers visit: the simple name rules out nearly all of them
            // without formatting the full name (ToDisplayString allocates), and only a match is checked in full.
            var attributeClass = attribute.AttributeClass;
            if (attributeClass is null || (attributeClass.Name != EventAttributeName && attributeClass.Name != CommandAttributeName))
            {
                return false;
            }

            var name = attributeClass.ToDisplayString();
            return name == KnownNames.EventAttribute || name == KnownNames.CommandAttribute;
        }

        /// <summary>The value of the string named argument <paramref name="name"/>, or <see langword="null"/> when it is not set.</summary>
        public static string? NamedString(AttributeData attribute, string name)
        {
            foreach (var argument in attribute.NamedArguments)
            {
                if (argument.Key == name && argument.Value.Value is string value)
                {
                    return value;
                }
            }

            return null;
        }
    }
}
