namespace Faults.Contracts;

/// <summary>
/// The message of the fault tests (tests/MessageContracts.Tests/Faults) and of the worker process they kill
/// (tests/Fixtures/MessageContracts.Tests.Worker). <see cref="Sequence"/> numbers the messages of one
/// <see cref="Key"/>, so per-key order can be checked; <see cref="Behavior"/> tells the test handler what to do
/// (see <c>FaultProbeBehaviors</c> in the tests).
/// </summary>
[Event(Topic = "faults.probes")]
public sealed partial record FaultProbe(
    [property: PartitionKey] string Key,
    int Sequence,
    string Behavior);
