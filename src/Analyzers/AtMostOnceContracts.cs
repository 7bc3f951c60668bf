using MessageContracts.Shared;
using Microsoft.CodeAnalysis;

namespace MessageContracts.Analyzers
{
    /// <summary>
    /// Which contracts accept loss: an <c>[Event(Delivery = Delivery.AtMostOnce)]</c>, declared here or in a referenced
    /// assembly. The one definition MC0002, MC0019, MC0028 and MC0029 share (the generator reads the same attribute).
    /// </summary>
    internal static class AtMostOnceContracts
    {
        /// <summary>Whether <paramref name="type"/> is an event that accepts loss.</summary>
        public static bool AcceptsLoss(ITypeSymbol? type) =>
            type is INamedTypeSymbol named && ContractDeliveries.EffectiveOf(named) == ContractDelivery.AtMostOnce;
    }
}
