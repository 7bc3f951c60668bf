namespace MessageContracts.Analyzers
{
    /// <summary>
    /// The IDs of every MessageContracts diagnostic. An ID is never reused or renumbered once shipped: users
    /// write them in <c>.editorconfig</c>, <c>#pragma</c> and <c>[SuppressMessage]</c>.
    /// </summary>
    public static class DiagnosticIds
    {
        /// <summary>A <c>[Command]</c> has more than one handler in the compilation.</summary>
        public const string CommandHasMultipleHandlers = "MC0001";

        /// <summary>A message handler is not marked <c>[Idempotent]</c>.</summary>
        public const string HandlerNotIdempotent = "MC0002";

        /// <summary>A contract, or a type containing it, is not <c>partial</c>.</summary>
        public const string ContractNotPartial = "MC0003";

        /// <summary>A contract is generic or nested in a generic type.</summary>
        public const string ContractIsGeneric = "MC0004";

        /// <summary>A contract is a class or struct but not a record.</summary>
        public const string ContractNotRecord = "MC0005";

        /// <summary>A type is marked both <c>[Event]</c> and <c>[Command]</c>.</summary>
        public const string ContractIsEventAndCommand = "MC0006";

        /// <summary>A handler handles a type that is not marked <c>[Event]</c> or <c>[Command]</c>.</summary>
        public const string HandledTypeNotContract = "MC0007";

        /// <summary>A contract member's type cannot be written by the generated serializer.</summary>
        public const string ContractMemberNotSerializable = "MC0008";

        /// <summary>A contract is abstract.</summary>
        public const string ContractIsAbstract = "MC0009";

        /// <summary>A contract's topic is not a legal Kafka topic name.</summary>
        public const string InvalidTopic = "MC0010";

        /// <summary>The generated deserializer has no constructor it can call, or a constructor parameter it cannot fill.</summary>
        public const string ContractNotConstructible = "MC0011";

        /// <summary>Two members of a contract have the same JSON name.</summary>
        public const string DuplicateJsonName = "MC0012";

        /// <summary>More than one member of a contract is marked <c>[PartitionKey]</c>.</summary>
        public const string MultiplePartitionKeys = "MC0013";

        /// <summary>The <c>[PartitionKey]</c> member's type cannot be a Kafka key.</summary>
        public const string UnsupportedPartitionKeyType = "MC0014";

        /// <summary>A contract's <c>Type</c> (its <c>ce_type</c>) is empty, white space, or has control characters.</summary>
        public const string InvalidMessageType = "MC0015";

        /// <summary>Two contracts have the same message type (<c>ce_type</c>).</summary>
        public const string DuplicateMessageType = "MC0016";
        /// <summary>A contract has a settable property, a public mutable field or a mutable collection member.</summary>
        public const string MutableContract = "MC0017";

        /// <summary>The task of <c>PublishAsync</c>/<c>SendAsync</c> is neither awaited nor kept: the outcome is dropped.</summary>
        public const string DroppedPublishTask = "MC0018";

        /// <summary>One method both writes to a database and publishes or sends a message directly.</summary>
        public const string DualWrite = "MC0019";

        /// <summary>An event and a command are mapped to one topic.</summary>
        public const string TopicHasEventsAndCommands = "MC0020";

        /// <summary>An event's name does not read as a fact in the past tense.</summary>
        public const string EventNotNamedAsFact = "MC0021";

        /// <summary>A command's name does not read as an imperative.</summary>
        public const string CommandNotNamedAsImperative = "MC0022";

        /// <summary>A contract that is handled or published in this project has no <c>[PartitionKey]</c>.</summary>
        public const string PartitionKeyMissing = "MC0023";

        /// <summary>More than one member of a contract is marked <c>[MessageId]</c>.</summary>
        public const string MultipleMessageIds = "MC0024";

        /// <summary>The <c>[MessageId]</c> member's type cannot identify a message.</summary>
        public const string UnsupportedMessageIdType = "MC0025";

        /// <summary>The <c>[MessageId]</c> member can be changed after construction.</summary>
        public const string MutableMessageId = "MC0026";

        /// <summary>A <c>[Command]</c> is declared <c>Delivery = Delivery.AtMostOnce</c>: a command must not vanish.</summary>
        public const string CommandAcceptsLoss = "MC0027";

        /// <summary>A handler of an at-most-once contract writes to a database: a lost message leaves that write undone.</summary>
        public const string AtMostOnceHandlerWritesToDatabase = "MC0028";

        /// <summary>An at-most-once contract goes through the transactional outbox, whose purpose is certain delivery.</summary>
        public const string AtMostOnceThroughOutbox = "MC0029";

        /// <summary>The project has contracts but no <c>MessageContracts.Shipped.json</c> baseline to check them against.</summary>
        public const string BaselineMissing = "MC0030";

        /// <summary>A contract in the baseline is no longer in the project.</summary>
        public const string ContractRemoved = "MC0031";

        /// <summary>A contract's topic, <c>ce_type</c>, kind or partition key differs from the baseline.</summary>
        public const string ContractRoutingChanged = "MC0032";

        /// <summary>A member in the baseline is no longer on the wire (removed or renamed), and that breaks readers.</summary>
        public const string ContractMemberRemoved = "MC0033";

        /// <summary>A member's JSON type, format or nullability changed in a way that breaks readers.</summary>
        public const string ContractMemberTypeChanged = "MC0034";

        /// <summary>A member became required (or a required member was added, or one became optional) in a way that breaks readers.</summary>
        public const string ContractMemberRequirednessChanged = "MC0035";

        /// <summary>An enum lost (or gained) names in a way that breaks readers.</summary>
        public const string ContractEnumValuesChanged = "MC0036";

        /// <summary>A contract changed compatibly, or is new: the baseline is out of date.</summary>
        public const string BaselineOutdated = "MC0037";

        /// <summary><c>MessageContracts.Shipped.json</c> cannot be read.</summary>
        public const string BaselineInvalid = "MC0038";

        /// <summary>The <c>MessageContractsCompatibility</c> MSBuild property is not a compatibility mode.</summary>
        public const string InvalidCompatibilityMode = "MC0039";
    }
}
