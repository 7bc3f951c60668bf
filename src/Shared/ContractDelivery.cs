using Microsoft.CodeAnalysis;

namespace MessageContracts.Shared
{
    /// <summary>What a contract asks of the transport. Values match the runtime's <c>MessageContracts.Delivery</c>.</summary>
    internal enum ContractDelivery
    {
        AtLeastOnce = 0,
        AtMostOnce = 1,
    }

    /// <summary>Reading <c>Delivery</c> off <c>[Event]</c>/<c>[Command]</c>, in one place for the generator and the analyzers.</summary>
    internal static class ContractDeliveries
    {
        /// <summary>The name of the <c>Delivery</c> named argument on <c>[Event]</c> and <c>[Command]</c>.</summary>
        public const string DeliveryArgument = "Delivery";

        /// <summary>The <c>Delivery</c> the attribute sets; <see cref="ContractDelivery.AtLeastOnce"/> when it sets none.</summary>
        public static ContractDelivery Of(AttributeData attribute)
        {
            foreach (var argument in attribute.NamedArguments)
            {
                // An enum argument's value is its underlying integer.
                if (argument.Key == DeliveryArgument && argument.Value.Value is int value)
                {
                    return value == (int)ContractDelivery.AtMostOnce ? ContractDelivery.AtMostOnce : ContractDelivery.AtLeastOnce;
                }
            }

            return ContractDelivery.AtLeastOnce;
        }

        /// <summary>
        /// The delivery the runtime uses for <paramref name="type"/> (declared here or in a referenced assembly): at most once
        /// only for an <c>[Event]</c> that asks for it. A <c>[Command]</c> asking for it is an error (MC0027), and the
        /// generated code keeps it at least once, so a suppressed error never makes a command vanish.
        /// </summary>
        public static ContractDelivery EffectiveOf(INamedTypeSymbol type)
        {
            foreach (var attribute in type.GetAttributes())
            {
                if (attribute.AttributeClass?.ToDisplayString() == KnownNames.EventAttribute)
                {
                    return Of(attribute);
                }
            }

            return ContractDelivery.AtLeastOnce;
        }
    }
}
