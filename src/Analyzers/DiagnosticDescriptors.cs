using Microsoft.CodeAnalysis;

namespace MessageContracts.Analyzers
{
    /// <summary>Every diagnostic the MessageContracts analyzers report, in one place.</summary>
    /// <remarks>
    /// The contract rules (MC0003 to MC0006 and MC0008 to MC0015) take the same arguments: {0} the contract,
    /// {1} what is wrong, worded by the shared <c>ContractShape</c> rules the generator also follows, and {2} the
    /// member or type the problem is about.
    /// </remarks>
    public static class DiagnosticDescriptors
    {
        /// <summary>Rules about handlers and how messages flow between services.</summary>
        public const string MessagingCategory = "MessageContracts.Messaging";

        /// <summary>Rules about the shape of <c>[Event]</c> and <c>[Command]</c> contracts.</summary>
        public const string ContractsCategory = "MessageContracts.Contracts";

        /// <summary>Naming guidance for contracts: suggestions only, off as a group with one <c>.editorconfig</c> line.</summary>
        public const string NamingCategory = "MessageContracts.Naming";

        /// <summary>
        /// Rules that compare contracts with the committed baseline (MessageContracts.Shipped.json): configure them as a
        /// group with <c>dotnet_analyzer_diagnostic.category-MessageContracts.Compatibility.severity</c>.
        /// </summary>
        public const string CompatibilityCategory = "MessageContracts.Compatibility";

        private const string HelpLinkBase = "https://github.com/messagecontracts/messagecontracts/blob/main/docs/diagnostics/";

        /// <summary>MC0001: a command has more than one handler.</summary>
        public static readonly DiagnosticDescriptor CommandHasMultipleHandlers = new DiagnosticDescriptor(
            DiagnosticIds.CommandHasMultipleHandlers,
            title: "A command has more than one handler",
            messageFormat: "'{0}' handles command '{1}', which is also handled by {2}; a command is carried out by exactly one handler: keep one of them, or make '{1}' an [Event] if every handler should react to it",
            category: MessagingCategory,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "A command is a request that exactly one service carries out. Two handlers for one command either both carry it out (in different consumer groups) or take turns at random (in one group), and neither is what the sender asked for.",
            helpLinkUri: HelpLink(DiagnosticIds.CommandHasMultipleHandlers),
            customTags: WellKnownDiagnosticTags.CompilationEnd);

        /// <summary>MC0002: a handler is not marked [Idempotent].</summary>
        public static readonly DiagnosticDescriptor HandlerNotIdempotent = new DiagnosticDescriptor(
            DiagnosticIds.HandlerNotIdempotent,
            title: "A message handler is not marked [Idempotent]",
            messageFormat: "Handler '{0}' is not marked [Idempotent]: Kafka delivers messages at least once, so it can run again for a message it already handled; make a second run harmless and mark the class [Idempotent]",
            category: MessagingCategory,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "A consumer that stops after its handler ran but before the offset was committed receives the message again. [Idempotent] records the author's claim that handling one message twice has the same effect as handling it once.",
            helpLinkUri: HelpLink(DiagnosticIds.HandlerNotIdempotent));

        /// <summary>MC0003: a contract or one of its containing types is not partial.</summary>
        public static readonly DiagnosticDescriptor ContractNotPartial = Contract(
            DiagnosticIds.ContractNotPartial,
            title: "A message contract must be partial",
            messageFormat: "Contract '{0}' gets no serializer: {1}; add the 'partial' modifier",
            description: "The source generator implements the contract's serializer, topic and partition key in a second partial declaration of the record, so the record and every type it is nested in must be partial. Until then no producer or consumer is generated for it.");

        /// <summary>MC0004: a contract is generic or nested in a generic type.</summary>
        public static readonly DiagnosticDescriptor ContractIsGeneric = Contract(
            DiagnosticIds.ContractIsGeneric,
            title: "A message contract cannot be generic",
            messageFormat: "Contract '{0}' gets no serializer: {1}; a contract is one message type on one topic, so declare a non-generic record for each message",
            description: "A contract names one message type on one topic and the generator writes one serializer for it. A generic record would be a different message for every type argument, which neither the generator nor a consumer in another service can know.");

        /// <summary>MC0005: a contract is not a record.</summary>
        public static readonly DiagnosticDescriptor ContractNotRecord = Contract(
            DiagnosticIds.ContractNotRecord,
            title: "A message contract must be a record",
            messageFormat: "Contract '{0}' gets no serializer: {1}; declare it as 'partial record' or 'partial record struct'",
            description: "A message is an immutable value: once published it is a fact or a request that does not change. Records give contracts value semantics and a primary constructor the generated deserializer calls.");

        /// <summary>MC0006: a type is marked both [Event] and [Command].</summary>
        public static readonly DiagnosticDescriptor ContractIsEventAndCommand = Contract(
            DiagnosticIds.ContractIsEventAndCommand,
            title: "A message contract cannot be both an event and a command",
            messageFormat: "Contract '{0}' gets no serializer: {1}; keep [Event] if it reports something that happened and any number of services may react, or [Command] if it asks exactly one handler to do something",
            description: "Events fan out to every subscribed consumer group; a command has exactly one handler. A message cannot follow both rules, so the generator cannot tell which producer to generate.");

        /// <summary>MC0007: a handler handles a type that is not a contract.</summary>
        public static readonly DiagnosticDescriptor HandledTypeNotContract = new DiagnosticDescriptor(
            DiagnosticIds.HandledTypeNotContract,
            title: "A handler handles a type that is not a message contract",
            messageFormat: "'{0}' handles '{1}', which is not marked [Event] or [Command]; mark '{1}' with [Event] or [Command] (as a partial record) or handle a message contract instead",
            category: MessagingCategory,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "Only [Event] and [Command] records have a topic, a serializer and a consumer. A handler for any other type would never receive a message. The compiler reports CS0315 at the same place because the type does not meet IMessageHandler's constraint; this diagnostic says what to change.",
            helpLinkUri: HelpLink(DiagnosticIds.HandledTypeNotContract));

        /// <summary>MC0008: a contract member's type cannot be serialized.</summary>
        public static readonly DiagnosticDescriptor ContractMemberNotSerializable = Contract(
            DiagnosticIds.ContractMemberNotSerializable,
            title: "A contract member's type cannot be serialized",
            messageFormat: "Contract '{0}' gets no serializer: {1}; use a supported type or leave the member out of the message with [JsonIgnore]",
            description: "The generated serializer writes UTF-8 JSON without reflection, so it supports a fixed set of member types: numbers, bool, string, char, Guid, date and time types, enums, byte[], nullable values, arrays, lists, sets and immutable arrays and lists of supported types, dictionaries with string keys, and nested non-generic records, classes and structs made of supported members.");

        /// <summary>MC0009: a contract is abstract.</summary>
        public static readonly DiagnosticDescriptor ContractIsAbstract = Contract(
            DiagnosticIds.ContractIsAbstract,
            title: "A message contract cannot be abstract",
            messageFormat: "Contract '{0}' gets no serializer: {1}; mark the concrete records [Event] or [Command] and remove the attribute from the abstract base",
            description: "A consumer creates the contract from the message it receives, and an abstract record cannot be created. The attributes are not inherited, so each concrete message record carries its own.");

        /// <summary>MC0010: a contract's topic is not a valid Kafka topic name.</summary>
        public static readonly DiagnosticDescriptor InvalidTopic = Contract(
            DiagnosticIds.InvalidTopic,
            title: "A contract's topic is not a valid Kafka topic name",
            messageFormat: "Contract '{0}' gets no serializer: {1}; change the Topic argument",
            description: "Kafka rejects a topic name that is empty, longer than 249 characters, '.' or '..', or has characters other than ASCII letters, digits, '.', '_' and '-'. Producing or subscribing would fail at run time.");

        /// <summary>MC0011: the generated deserializer cannot construct the contract.</summary>
        public static readonly DiagnosticDescriptor ContractNotConstructible = Contract(
            DiagnosticIds.ContractNotConstructible,
            title: "The generated deserializer cannot create the contract",
            messageFormat: "Contract '{0}' gets no serializer: {1}; use a positional record, or mark the constructor to use with [JsonConstructor] and give each of its parameters a public property of the same name and type",
            description: "A consumer rebuilds each message by calling a constructor with the values read from JSON. The generator needs a constructor it can choose and, for each parameter, the public property that the producer wrote.");

        /// <summary>MC0012: two members have the same JSON name.</summary>
        public static readonly DiagnosticDescriptor DuplicateJsonName = Contract(
            DiagnosticIds.DuplicateJsonName,
            title: "Two contract members have the same JSON name",
            messageFormat: "Contract '{0}' gets no serializer: {1}; give one of them another name with [JsonPropertyName]",
            description: "Member names are written in camel case (or as [JsonPropertyName] says), compared without regard to case like System.Text.Json does. Two members with one name would overwrite each other on the wire.");

        /// <summary>MC0013: more than one [PartitionKey].</summary>
        public static readonly DiagnosticDescriptor MultiplePartitionKeys = new DiagnosticDescriptor(
            DiagnosticIds.MultiplePartitionKeys,
            title: "A contract has more than one [PartitionKey]",
            messageFormat: "Contract '{0}': {1} ('{2}' is a second one); keep [PartitionKey] on the one member that identifies the entity whose messages must stay in order",
            category: ContractsCategory,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "A Kafka record has one key, and the key decides the partition and therefore the order in which messages are handled. The generator uses the first [PartitionKey] member and ignores the others, which is rarely what the author of the second one meant.",
            helpLinkUri: HelpLink(DiagnosticIds.MultiplePartitionKeys));

        /// <summary>MC0014: the [PartitionKey] member's type cannot be a key.</summary>
        public static readonly DiagnosticDescriptor UnsupportedPartitionKeyType = new DiagnosticDescriptor(
            DiagnosticIds.UnsupportedPartitionKeyType,
            title: "A contract's [PartitionKey] member has a type that cannot be a key",
            messageFormat: "Contract '{0}': {1}",
            category: ContractsCategory,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "The key is written as UTF-8 text in invariant culture so that clients in any language can read it. Only single scalar values have one such text; a collection or an object does not. The generator gives such a contract's records no key: they are spread over the partitions and lose per-key order.",
            helpLinkUri: HelpLink(DiagnosticIds.UnsupportedPartitionKeyType));

        /// <summary>MC0015: the contract's Type (ce_type) is not usable.</summary>
        public static readonly DiagnosticDescriptor InvalidMessageType = Contract(
            DiagnosticIds.InvalidMessageType,
            title: "A contract's message type (ce_type) is empty or malformed",
            messageFormat: "Contract '{0}' gets no serializer: {1}; set Type to the name consumers know the message by, or remove it to use the type's name",
            description: "The message type is written to the ce_type header of every message, and consumers dispatch on it by exact comparison. An empty name, or one with white space at either end or control characters, cannot be told apart reliably by other services.");

        /// <summary>MC0016: two contracts have the same ce_type.</summary>
        public static readonly DiagnosticDescriptor DuplicateMessageType = new DiagnosticDescriptor(
            DiagnosticIds.DuplicateMessageType,
            title: "Two message contracts have the same message type (ce_type)",
            messageFormat: "Contract '{0}' has the message type (ce_type) '{1}', which {2} also has; a consumer cannot tell them apart, so neither is dispatched to its handlers: give one of them another name with Type = \"...\" on its [Event] or [Command]",
            category: ContractsCategory,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "Consumers pick the contract to deserialize, and the handlers to run, by the ce_type header. The default message type leaves out the namespace, so two records of one name in different namespaces collide. The generator leaves both out of the generated dispatch, so their handlers would never run.",
            helpLinkUri: HelpLink(DiagnosticIds.DuplicateMessageType),
            customTags: WellKnownDiagnosticTags.CompilationEnd);

        /// <summary>MC0017: a contract can be changed after it is created.</summary>
        public static readonly DiagnosticDescriptor MutableContract = new DiagnosticDescriptor(
            DiagnosticIds.MutableContract,
            title: "A message contract is mutable",
            messageFormat: "Contract '{0}': '{1}' {2}; a message is a fact or a request that does not change once created, so {3}",
            category: ContractsCategory,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "A contract instance is shared: the publisher may keep it after publishing, a handler may pass it on, and a retry serializes it again. A setter, a writable field or a List/Dictionary/array member lets any of them change what the message says after the fact. Use init accessors, readonly record structs and read-only collection types (IReadOnlyList<T>, IReadOnlyDictionary<TKey, TValue>, ImmutableArray<T>).",
            helpLinkUri: HelpLink(DiagnosticIds.MutableContract));

        /// <summary>MC0018: the task of a publish or send is dropped.</summary>
        public static readonly DiagnosticDescriptor DroppedPublishTask = new DiagnosticDescriptor(
            DiagnosticIds.DroppedPublishTask,
            title: "The outcome of a publish or send is dropped",
            messageFormat: "The task of '{0}' is {1}, so a failed delivery goes unnoticed; await it, and if losing the message is acceptable, say so with the PublishFailurePolicy.Ignore overload and await that",
            category: MessagingCategory,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "PublishAsync and SendAsync complete when Kafka has acknowledged the message, and fail when it has not. A task that is neither awaited nor kept (an expression statement, or an explicit discard '_ =') loses that outcome, and the exception becomes an unobserved task exception. Choosing to ignore failures is done through the failure policy, which also counts and logs them.",
            helpLinkUri: HelpLink(DiagnosticIds.DroppedPublishTask));

        /// <summary>MC0019: one method writes to a database and publishes or sends.</summary>
        public static readonly DiagnosticDescriptor DualWrite = new DiagnosticDescriptor(
            DiagnosticIds.DualWrite,
            title: "A method writes to a database and publishes a message directly (dual write)",
            messageFormat: "'{0}' saves to a database ('{1}') and calls '{2}' directly: if one of them fails after the other succeeded, the database and the messages disagree; use a transactional outbox (IOutbox.EnqueueAsync in the same transaction)",
            category: MessagingCategory,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "A database transaction and a Kafka publish cannot commit together. Whichever comes second can fail (a crash, a timeout) after the first has succeeded, leaving a saved order without its OrderPlaced event or an event about an order that was rolled back. A transactional outbox writes the message in the same database transaction and publishes it afterwards.",
            helpLinkUri: HelpLink(DiagnosticIds.DualWrite));

        /// <summary>MC0027: a command accepts loss.</summary>
        public static readonly DiagnosticDescriptor CommandAcceptsLoss = new DiagnosticDescriptor(
            DiagnosticIds.CommandAcceptsLoss,
            title: "A command cannot accept loss (Delivery.AtMostOnce)",
            messageFormat: "Command '{0}' is declared Delivery.AtMostOnce, but a command asks its one owner to act and must not vanish; remove 'Delivery = Delivery.AtMostOnce', or make '{0}' an [Event] if losing it is harmless",
            category: MessagingCategory,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "An at-most-once message is lost when nobody listens at the moment it is sent (Redis pub/sub). A sender of a command expects it carried out; losing it silently is the failure commands exist to prevent. Only events, whose loss the contract's author can accept, may be at most once. The generated code keeps a command at least once even when this error is suppressed.",
            helpLinkUri: HelpLink(DiagnosticIds.CommandAcceptsLoss));

        /// <summary>MC0028: a handler of an at-most-once contract writes to a database.</summary>
        public static readonly DiagnosticDescriptor AtMostOnceHandlerWritesToDatabase = new DiagnosticDescriptor(
            DiagnosticIds.AtMostOnceHandlerWritesToDatabase,
            title: "A handler of an at-most-once contract writes to a database",
            messageFormat: "'{0}' handles '{1}', which is at most once, and writes to a database ('{2}'): a message lost on the way (no subscriber listening, a restart) leaves that write undone; if the write must happen, make '{1}' at least once",
            category: MessagingCategory,
            defaultSeverity: DiagnosticSeverity.Info,
            isEnabledByDefault: true,
            description: "At-most-once contracts suit data the next message replaces (prices, positions, presence). A handler that records something in a database usually needs every message; with an at-most-once contract some never arrive, and nothing says which. This is a suggestion: a cache or a 'latest value' row may be fine to miss.",
            helpLinkUri: HelpLink(DiagnosticIds.AtMostOnceHandlerWritesToDatabase));

        /// <summary>MC0029: an at-most-once contract is enqueued in the outbox.</summary>
        public static readonly DiagnosticDescriptor AtMostOnceThroughOutbox = new DiagnosticDescriptor(
            DiagnosticIds.AtMostOnceThroughOutbox,
            title: "An at-most-once contract cannot go through the outbox",
            messageFormat: "'{0}' is at most once, but the outbox exists to deliver a message for certain once its transaction commits; publish '{0}' with IEventPublisher<{0}>, or make it at least once if it must follow the transaction",
            category: MessagingCategory,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "The transactional outbox stores a message with the database transaction and relays it until the broker has it, so it reaches its consumers if and only if the transaction committed. An at-most-once contract travels where nothing is stored and may be lost when no subscriber listens: the outbox's guarantee ends at the broker, and the combination promises what it cannot keep.",
            helpLinkUri: HelpLink(DiagnosticIds.AtMostOnceThroughOutbox));

        /// <summary>MC0020: an event and a command share a topic.</summary>
        public static readonly DiagnosticDescriptor TopicHasEventsAndCommands = new DiagnosticDescriptor(
            DiagnosticIds.TopicHasEventsAndCommands,
            title: "An event and a command are mapped to one topic",
            messageFormat: "{1} '{0}' is mapped to topic '{2}', which also carries {3}; events and commands are consumed by different rules, so give each kind its own topic with Topic = \"...\"",
            category: ContractsCategory,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "An event is read by every interested service and a command by exactly one handler. A consumer of the topic sees both kinds: the event's subscribers receive commands they do not handle, and the command's retention, access rights and consumer lag are mixed with those of the events.",
            helpLinkUri: HelpLink(DiagnosticIds.TopicHasEventsAndCommands),
            customTags: WellKnownDiagnosticTags.CompilationEnd);

        /// <summary>MC0021: an event is not named as a fact.</summary>
        public static readonly DiagnosticDescriptor EventNotNamedAsFact = new DiagnosticDescriptor(
            DiagnosticIds.EventNotNamedAsFact,
            title: "An event is not named as a fact in the past tense",
            messageFormat: "Event '{0}' does not end in a past-tense verb; name events after what happened, like OrderPlaced or PaymentSent",
            category: NamingCategory,
            defaultSeverity: DiagnosticSeverity.Info,
            isEnabledByDefault: true,
            description: "An event reports something that already happened, and any number of services react to it. A name in the past tense (OrderPlaced, PointsGranted) says so; a name like PlaceOrder or OrderEvent reads like a request or says nothing.",
            helpLinkUri: HelpLink(DiagnosticIds.EventNotNamedAsFact));

        /// <summary>MC0022: a command is not named as an imperative.</summary>
        public static readonly DiagnosticDescriptor CommandNotNamedAsImperative = new DiagnosticDescriptor(
            DiagnosticIds.CommandNotNamedAsImperative,
            title: "A command is not named as an imperative",
            messageFormat: "Command '{0}' {1}; name commands after what the handler is asked to do, verb first, like GrantPoints or ShipOrder",
            category: NamingCategory,
            defaultSeverity: DiagnosticSeverity.Info,
            isEnabledByDefault: true,
            description: "A command asks exactly one handler to do something that has not happened yet. A name in the past tense (PointsGranted) reads like an event, and readers then expect other services to react to it too.",
            helpLinkUri: HelpLink(DiagnosticIds.CommandNotNamedAsImperative));

        /// <summary>MC0023: a handled or published contract has no partition key.</summary>
        public static readonly DiagnosticDescriptor PartitionKeyMissing = new DiagnosticDescriptor(
            DiagnosticIds.PartitionKeyMissing,
            title: "A handled or published contract has no [PartitionKey]",
            messageFormat: "Contract '{0}' is {1} here but has no [PartitionKey], so its messages are spread over partitions without a key and handled in no particular order; mark the member that identifies the entity (an order ID, a customer ID) [PartitionKey]",
            category: ContractsCategory,
            defaultSeverity: DiagnosticSeverity.Info,
            isEnabledByDefault: true,
            description: "Kafka keeps order only within a partition, and the key chooses the partition. Without a key, two messages about one order can be handled out of order (OrderCancelled before OrderPlaced). A contract whose order truly does not matter can leave the key out and turn this suggestion off.",
            helpLinkUri: HelpLink(DiagnosticIds.PartitionKeyMissing),
            customTags: WellKnownDiagnosticTags.CompilationEnd);

        /// <summary>MC0024: more than one [MessageId].</summary>
        public static readonly DiagnosticDescriptor MultipleMessageIds = new DiagnosticDescriptor(
            DiagnosticIds.MultipleMessageIds,
            title: "A contract has more than one [MessageId]",
            messageFormat: "Contract '{0}': {1}; keep [MessageId] on the one member whose value identifies the business fact, or give the message a member that combines them",
            category: ContractsCategory,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "The message ID is derived from one value. The generator uses the first [MessageId] member and ignores the others, so two messages that differ only in another [MessageId] member get the same ID, and consumers drop the second as a duplicate: a message is lost without an error.",
            helpLinkUri: HelpLink(DiagnosticIds.MultipleMessageIds));

        /// <summary>MC0025: the [MessageId] member's type cannot identify a message.</summary>
        public static readonly DiagnosticDescriptor UnsupportedMessageIdType = new DiagnosticDescriptor(
            DiagnosticIds.UnsupportedMessageIdType,
            title: "A contract's [MessageId] member has a type a message ID cannot be derived from",
            messageFormat: "Contract '{0}': {1}; use a string, Guid or integer member that identifies the fact",
            category: ContractsCategory,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "The message ID is a hash of the message type and the member's value written as text, and must be the same on every machine and in every language. Strings, Guids and integers have exactly one such text; a decimal (1.0 and 1.00), a date (time zones), a floating-point number, a collection or an object do not. The generator derives no ID for such a contract: every publish gets a new ID, and publishing one fact twice makes two messages.",
            helpLinkUri: HelpLink(DiagnosticIds.UnsupportedMessageIdType));

        /// <summary>MC0026: the [MessageId] member has a setter.</summary>
        public static readonly DiagnosticDescriptor MutableMessageId = new DiagnosticDescriptor(
            DiagnosticIds.MutableMessageId,
            title: "A contract's [MessageId] member can be changed after construction",
            messageFormat: "Contract '{0}': {1}; make it 'init' or a positional parameter",
            category: ContractsCategory,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "The message ID is derived from the member's value when the message is published. If the value can be set after the message was built, one message object can be published twice with two IDs, or two facts with one, and deduplication then keeps the wrong copies.",
            helpLinkUri: HelpLink(DiagnosticIds.MutableMessageId));

        /// <summary>MC0030: the project has contracts but no baseline.</summary>
        public static readonly DiagnosticDescriptor BaselineMissing = new DiagnosticDescriptor(
            DiagnosticIds.BaselineMissing,
            title: "The project has no contract baseline (MessageContracts.Shipped.json)",
            messageFormat: "The project has no MessageContracts.Shipped.json, so changes to its {0} contract(s) are not checked for compatibility; create it with this diagnostic's code fix or 'dotnet build -p:UpdateMessageContractsBaseline=true', and commit it",
            category: CompatibilityCategory,
            defaultSeverity: DiagnosticSeverity.Info,
            isEnabledByDefault: true,
            description: "The baseline records the wire form of every contract as it was last shipped. With it, the build reports a change that would make other services dead-letter messages (a removed or retyped member, a new required member, a new topic) before anyone deploys it.",
            helpLinkUri: HelpLink(DiagnosticIds.BaselineMissing));

        /// <summary>MC0031: a contract in the baseline is gone.</summary>
        public static readonly DiagnosticDescriptor ContractRemoved = new DiagnosticDescriptor(
            DiagnosticIds.ContractRemoved,
            title: "A shipped contract was removed",
            messageFormat: "Contract '{0}' (ce_type '{1}', topic '{2}') is in MessageContracts.Shipped.json but no longer in the project, so the services that consume it stop receiving it; restore it, or accept the removal by removing it from the baseline",
            category: CompatibilityCategory,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "Other services subscribe to a contract's topic and dispatch on its ce_type. Removing the contract silently ends the messages they wait for. Accepting the removal is an explicit edit of the baseline, visible in review.",
            helpLinkUri: HelpLink(DiagnosticIds.ContractRemoved),
            customTags: WellKnownDiagnosticTags.CompilationEnd);

        /// <summary>MC0032: a contract's topic, ce_type, kind or partition key changed.</summary>
        public static readonly DiagnosticDescriptor ContractRoutingChanged = Breaking(
            DiagnosticIds.ContractRoutingChanged,
            title: "A shipped contract's topic, ce_type, kind or partition key changed",
            description: "Consumers find a message by its topic and ce_type, and rely on its key for order. Changing any of them moves the messages away from the consumers of the shipped contract, whatever the compatibility mode.");

        /// <summary>MC0033: a member is gone from the wire.</summary>
        public static readonly DiagnosticDescriptor ContractMemberRemoved = Breaking(
            DiagnosticIds.ContractMemberRemoved,
            title: "A member of a shipped contract was removed or renamed",
            description: "A consumer that still reads the shipped version rejects a message without a member it requires, and silently takes the default of an optional one it no longer receives. Removing or renaming a member is therefore reported in every mode but none; Schema Registry's BACKWARD would allow it (a new reader skips the member in old messages), but the consumers not yet redeployed are the ones that break.");

        /// <summary>MC0034: a member's type changed incompatibly.</summary>
        public static readonly DiagnosticDescriptor ContractMemberTypeChanged = Breaking(
            DiagnosticIds.ContractMemberTypeChanged,
            title: "A member of a shipped contract changed its type incompatibly",
            description: "A reader rejects a value of another JSON type (a string where it expects a number, an array where it expects a scalar), a number out of its range, a string of another format, or null where it expects a value. Which direction breaks depends on the change: narrowing breaks backward, widening breaks forward.");

        /// <summary>MC0035: requiredness changed incompatibly.</summary>
        public static readonly DiagnosticDescriptor ContractMemberRequirednessChanged = Breaking(
            DiagnosticIds.ContractMemberRequirednessChanged,
            title: "A member of a shipped contract became required or optional incompatibly",
            description: "A new reader rejects an old message without a member it now requires, so a new required member, or an optional member made required, breaks backward compatibility. A required member made optional lets new messages leave it out, which breaks forward compatibility.");

        /// <summary>MC0036: enum names changed incompatibly.</summary>
        public static readonly DiagnosticDescriptor ContractEnumValuesChanged = Breaking(
            DiagnosticIds.ContractEnumValuesChanged,
            title: "An enum of a shipped contract lost or gained names incompatibly",
            description: "Enums are written by name and a reader rejects a name it does not know. Removing a name breaks backward compatibility (old messages may carry it); adding one breaks forward compatibility (old readers do not know it).");

        /// <summary>MC0037: compatible changes, baseline out of date.</summary>
        public static readonly DiagnosticDescriptor BaselineOutdated = new DiagnosticDescriptor(
            DiagnosticIds.BaselineOutdated,
            title: "A contract changed compatibly and the baseline is out of date",
            messageFormat: "Contract '{0}' changed compatibly ({1}); update MessageContracts.Shipped.json so the next change is checked against this version",
            category: CompatibilityCategory,
            defaultSeverity: DiagnosticSeverity.Info,
            isEnabledByDefault: true,
            description: "The change breaks no reader in the contract's compatibility mode. Recording it in the baseline (the code fix, or 'dotnet build -p:UpdateMessageContractsBaseline=true') makes the shipped version the reference for the next change; when the baseline is up to date this says nothing.",
            helpLinkUri: HelpLink(DiagnosticIds.BaselineOutdated));

        /// <summary>MC0038: the baseline cannot be read.</summary>
        public static readonly DiagnosticDescriptor BaselineInvalid = new DiagnosticDescriptor(
            DiagnosticIds.BaselineInvalid,
            title: "The contract baseline cannot be read",
            messageFormat: "MessageContracts.Shipped.json cannot be read: {0}; no contract is checked for compatibility until it is fixed or written again (code fix, or 'dotnet build -p:UpdateMessageContractsBaseline=true')",
            category: CompatibilityCategory,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "The baseline is written by the build and edited by code fixes; a merge conflict or a hand edit can leave it unreadable. Until it reads again, breaking changes go unnoticed.",
            helpLinkUri: HelpLink(DiagnosticIds.BaselineInvalid),
            customTags: WellKnownDiagnosticTags.CompilationEnd);

        /// <summary>MC0039: the project's compatibility mode is unknown.</summary>
        public static readonly DiagnosticDescriptor InvalidCompatibilityMode = new DiagnosticDescriptor(
            DiagnosticIds.InvalidCompatibilityMode,
            title: "The project's contract compatibility mode is not known",
            messageFormat: "'{0}' is not a compatibility mode; set the MSBuild property MessageContractsCompatibility to backward, forward, full or none (backward is used until then)",
            category: CompatibilityCategory,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "The compatibility mode decides which contract changes break the build. A misspelt mode would silently check the wrong direction.",
            helpLinkUri: HelpLink(DiagnosticIds.InvalidCompatibilityMode),
            customTags: WellKnownDiagnosticTags.CompilationEnd);

        /// <summary>Builds the documentation address of a diagnostic.</summary>
        public static string HelpLink(string id) => HelpLinkBase + id + ".md";

        private static DiagnosticDescriptor Breaking(string id, string title, string description)
            => new DiagnosticDescriptor(
                id,
                title,
                "Contract '{0}': {1}, which breaks {2} compatibility; undo the change, introduce a new version of the contract, or accept the break in MessageContracts.Shipped.json",
                CompatibilityCategory,
                DiagnosticSeverity.Warning,
                isEnabledByDefault: true,
                description: description,
                helpLinkUri: HelpLink(id));

        private static DiagnosticDescriptor Contract(string id, string title, string messageFormat, string description)
            => new DiagnosticDescriptor(
                id,
                title,
                messageFormat,
                ContractsCategory,
                DiagnosticSeverity.Error,
                isEnabledByDefault: true,
                description: description,
                helpLinkUri: HelpLink(id));
    }
}
