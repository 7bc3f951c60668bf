namespace MessageContracts;

/// <summary>
/// The handler's author asserts that handling one message twice has the same effect as handling it once.
/// </summary>
/// <remarks>
/// Kafka delivers at least once: a consumer that fails after its handler ran but before the offset was
/// committed sees the message again. The deduplication store absorbs most repeats, but a handler that is
/// not idempotent can still double its effect in the window between its side effect and the dedup record.
/// The analyzers report handlers that make no claim (MC0002).
/// </remarks>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = false)]
public sealed class IdempotentAttribute : Attribute
{
}
