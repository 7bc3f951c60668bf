using MessageContracts.Shared;

namespace MessageContracts.Generators.Model
{
    /// <summary>A concrete handler class and the messages it handles.</summary>
    /// <param name="FullyQualifiedName"><c>global::</c>-qualified handler type name.</param>
    /// <param name="Messages">One per <c>IMessageHandler&lt;T&gt;</c> it implements, ordinal by message type name.</param>
    internal sealed record HandlerSpec(string FullyQualifiedName, EquatableArray<HandledMessageSpec> Messages);

    /// <summary>A message type a handler handles.</summary>
    /// <param name="FullyQualifiedName"><c>global::</c>-qualified contract type name.</param>
    /// <param name="IsFromSource">Declared in this compilation: valid only if the contract pipeline generated it.</param>
    /// <param name="MessageType">The <c>ce_type</c> value.</param>
    /// <param name="Topic">The Kafka topic.</param>
    /// <param name="Kind">Event or command.</param>
    /// <param name="Delivery">At most once for an event that accepts loss: the transport receives it on its lossy channel.</param>
    internal sealed record HandledMessageSpec(string FullyQualifiedName, bool IsFromSource, string MessageType, string Topic, ContractKind Kind, ContractDelivery Delivery);

    /// <summary>The one module of an assembly: its name and the handlers to register.</summary>
    internal sealed record ModuleSpec(string AssemblyName, EquatableArray<HandlerSpec> Handlers, EquatableArray<HandledMessageSpec> Messages);
}
