namespace MessageContracts;

/// <summary>
/// How a contract may change against its committed baseline (<c>MessageContracts.Shipped.json</c>), with the meaning
/// Confluent Schema Registry gives its compatibility types. See docs/contract-evolution.md.
/// </summary>
public enum CompatibilityMode
{
    /// <summary>
    /// Consumers on the new version can read messages written with the baseline (the default): a new member must be
    /// optional, a member may go, an enum may gain names but not lose them. Upgrade consumers first.
    /// </summary>
    Backward = 0,

    /// <summary>
    /// Consumers still on the baseline can read messages written with the new version: a member may be added, only an
    /// optional member may go, an enum may lose names but not gain them. Upgrade producers first.
    /// </summary>
    Forward = 1,

    /// <summary>Both <see cref="Backward"/> and <see cref="Forward"/>: only optional members come and go. Upgrade in any order.</summary>
    Full = 2,

    /// <summary>No compatibility check for the contract's members; its topic, <c>ce_type</c>, kind and key are still checked.</summary>
    None = 3,
}

/// <summary>
/// Sets the compatibility mode of one contract, overriding the project's <c>MessageContractsCompatibility</c> MSBuild
/// property (<c>backward</c> by default). The analyzers MC0031 to MC0037 check the contract's changes against the
/// committed baseline in this mode.
/// </summary>
/// <param name="mode">The mode for this contract.</param>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false, AllowMultiple = false)]
public sealed class CompatibilityAttribute(CompatibilityMode mode) : Attribute
{
    /// <summary>The mode for this contract.</summary>
    public CompatibilityMode Mode { get; } = mode;
}
