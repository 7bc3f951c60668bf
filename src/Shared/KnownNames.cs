namespace MessageContracts.Shared
{
    /// <summary>
    /// Metadata names of the runtime types the generator and the analyzers look for. Kept in one place so
    /// both components agree on them.
    /// </summary>
    internal static class KnownNames
    {
        public const string EventAttribute = "MessageContracts.EventAttribute";
        public const string CommandAttribute = "MessageContracts.CommandAttribute";
        public const string PartitionKeyAttribute = "MessageContracts.PartitionKeyAttribute";
        public const string MessageIdAttribute = "MessageContracts.MessageIdAttribute";
        public const string IdempotentAttribute = "MessageContracts.IdempotentAttribute";
        public const string MessageHandlerInterface = "MessageContracts.IMessageHandler`1";
        public const string MessageContractInterface = "MessageContracts.IMessageContract`1";
        public const string EventPublisherInterface = "MessageContracts.IEventPublisher`1";
        public const string CommandSenderInterface = "MessageContracts.ICommandSender`1";
        public const string OutboxInterface = "MessageContracts.IOutbox";
        public const string HandlesMessageAttribute = "MessageContracts.Infrastructure.HandlesMessageAttribute";
        public const string JsonPropertyNameAttribute = "System.Text.Json.Serialization.JsonPropertyNameAttribute";
        public const string JsonIgnoreAttribute = "System.Text.Json.Serialization.JsonIgnoreAttribute";
        public const string JsonConstructorAttribute = "System.Text.Json.Serialization.JsonConstructorAttribute";
        public const string SetsRequiredMembersAttribute = "System.Diagnostics.CodeAnalysis.SetsRequiredMembersAttribute";

        /// <summary>The name of the <c>Topic</c> named argument on <c>[Event]</c> and <c>[Command]</c>.</summary>
        public const string TopicArgument = "Topic";

        /// <summary>The name of the <c>Type</c> named argument on <c>[Event]</c> and <c>[Command]</c>: the <c>ce_type</c> override.</summary>
        public const string TypeArgument = "Type";
    }
}
