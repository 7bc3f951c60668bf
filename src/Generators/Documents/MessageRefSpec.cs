namespace MessageContracts.Generators.Documents
{
    /// <summary>A message the assembly sends (publishes, sends, or enqueues in an outbox) or receives.</summary>
    /// <param name="CeType">The <c>ce_type</c>.</param>
    /// <param name="Kind"><c>event</c> or <c>command</c>.</param>
    /// <param name="Topic">The topic.</param>
    /// <param name="ClrType">The contract's C# name, without <c>global::</c>.</param>
    internal sealed record MessageRefSpec(string CeType, string Kind, string Topic, string ClrType);
}
