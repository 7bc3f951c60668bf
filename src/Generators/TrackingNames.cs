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
    }
}
