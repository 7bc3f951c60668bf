namespace MessageContracts.Generators
{
    /// <summary>Names of the incremental pipeline steps, so tests can assert each one caches.</summary>
    internal static class TrackingNames
    {
        public const string EventContracts = nameof(EventContracts);
        public const string CommandContracts = nameof(CommandContracts);
        public const string SharedTypes = nameof(SharedTypes);
        public const string ValidContracts = nameof(ValidContracts);
        public const string Handlers = nameof(Handlers);
        public const string ValidHandlers = nameof(ValidHandlers);
        public const string AssemblyName = nameof(AssemblyName);
        public const string Module = nameof(Module);
        public const string DocumentsEnabled = nameof(DocumentsEnabled);
        public const string WireContracts = nameof(WireContracts);
        public const string AllWireContracts = nameof(AllWireContracts);
        public const string ProducerCalls = nameof(ProducerCalls);
        public const string SentMessages = nameof(SentMessages);
        public const string ReceivedMessages = nameof(ReceivedMessages);
        public const string ContractModel = nameof(ContractModel);
    }
}
