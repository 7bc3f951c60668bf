using Xunit;

namespace MessageContracts.Tests.Faults.Support;

/// <summary>
/// The fault tests run one at a time: each injects faults into its own embedded Kafka, but they share the topic name
/// (the contract's) in the process-wide meter, and timing-sensitive faults (a session timeout, a request timeout) are
/// kinder to a 2-core machine one at a time. They still run in parallel with the other test classes.
/// </summary>
[CollectionDefinition(Name)]
public sealed class FaultsCollection
{
    public const string Name = "Faults";
}
