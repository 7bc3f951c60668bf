using MessageContracts.Shared;
using Microsoft.CodeAnalysis;

namespace MessageContracts.Analyzers
{
    /// <summary>
    /// The MessageContracts marker types of one compilation, resolved once at compilation start. A compilation
    /// that does not reference MessageContracts has none of them, and the analyzers then register nothing.
    /// </summary>
    internal sealed class KnownTypes
    {
        private KnownTypes(
            INamedTypeSymbol eventAttribute,
            INamedTypeSymbol commandAttribute,
            INamedTypeSymbol? idempotentAttribute,
            INamedTypeSymbol messageHandler,
            Compilation compilation)
        {
            EventAttribute = eventAttribute;
            CommandAttribute = commandAttribute;
            IdempotentAttribute = idempotentAttribute;
            MessageHandler = messageHandler;
            PartitionKeyAttribute = compilation.GetTypeByMetadataName(KnownNames.PartitionKeyAttribute);
            EventPublisher = compilation.GetTypeByMetadataName(KnownNames.EventPublisherInterface);
            CommandSender = compilation.GetTypeByMetadataName(KnownNames.CommandSenderInterface);
            HandlesMessageAttribute = compilation.GetTypeByMetadataName(KnownNames.HandlesMessageAttribute);
            Outbox = compilation.GetTypeByMetadataName(KnownNames.OutboxInterface);
        }

        public INamedTypeSymbol EventAttribute { get; }

        public INamedTypeSymbol CommandAttribute { get; }

        public INamedTypeSymbol? IdempotentAttribute { get; }

        /// <summary>The unbound <c>IMessageHandler&lt;TMessage&gt;</c>.</summary>
        public INamedTypeSymbol MessageHandler { get; }

        // The types below are resolved here too, but may be missing from an older runtime: each rule that needs one
        // checks it and registers nothing without it.

        public INamedTypeSymbol? PartitionKeyAttribute { get; }

        /// <summary>The unbound <c>IEventPublisher&lt;TEvent&gt;</c>.</summary>
        public INamedTypeSymbol? EventPublisher { get; }

        /// <summary>The unbound <c>ICommandSender&lt;TCommand&gt;</c>.</summary>
        public INamedTypeSymbol? CommandSender { get; }

        /// <summary>The assembly attribute the generator writes per handled command (read by MC0001 across projects).</summary>
        public INamedTypeSymbol? HandlesMessageAttribute { get; }

        /// <summary><c>IOutbox</c>, the transactional outbox (MC0029).</summary>
        public INamedTypeSymbol? Outbox { get; }

        /// <summary>Resolves the marker types, or returns <see langword="null"/> when MessageContracts is not referenced.</summary>
        public static KnownTypes? TryCreate(Compilation compilation)
        {
            INamedTypeSymbol? eventAttribute = compilation.GetTypeByMetadataName(KnownNames.EventAttribute);
            INamedTypeSymbol? commandAttribute = compilation.GetTypeByMetadataName(KnownNames.CommandAttribute);
            INamedTypeSymbol? messageHandler = compilation.GetTypeByMetadataName(KnownNames.MessageHandlerInterface);
            if (eventAttribute is null || commandAttribute is null || messageHandler is null)
            {
                return null;
            }

            return new KnownTypes(
                eventAttribute,
                commandAttribute,
                compilation.GetTypeByMetadataName(KnownNames.IdempotentAttribute),
                messageHandler,
                compilation);
        }

        /// <summary>Which of <c>[Event]</c> and <c>[Command]</c> the type itself carries (both are not inherited).</summary>
        public ContractKinds GetContractKinds(ITypeSymbol type)
        {
            ContractKinds kinds = ContractKinds.None;
            foreach (AttributeData attribute in type.GetAttributes())
            {
                if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, EventAttribute))
                {
                    kinds |= ContractKinds.Event;
                }
                else if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, CommandAttribute))
                {
                    kinds |= ContractKinds.Command;
                }
            }

            return kinds;
        }

        /// <summary>Whether the type itself carries <paramref name="attributeType"/>.</summary>
        public static bool HasAttribute(ISymbol symbol, INamedTypeSymbol? attributeType)
        {
            if (attributeType is null)
            {
                return false;
            }

            foreach (AttributeData attribute in symbol.GetAttributes())
            {
                if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, attributeType))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
