using Microsoft.CodeAnalysis;

namespace MessageContracts.Shared
{
    /// <summary>Reading the <c>[Event]</c>/<c>[Command]</c> attributes, in one place for the generator and the analyzers.</summary>
    internal static class ContractAttributes
    {
        /// <summary>Whether <paramref name="attribute"/> is <c>[Event]</c> or <c>[Command]</c>.</summary>
        public static bool IsKindAttribute(AttributeData attribute)
        {
            var name = attribute.AttributeClass?.ToDisplayString();
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
