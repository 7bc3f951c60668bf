using System.ComponentModel;

namespace MessageContracts.Infrastructure;

/// <summary>
/// Carries an assembly's contract model in its metadata: the wire form of each contract (kind, <c>ce_type</c>, topic,
/// partition key, members) and the messages the assembly sends and receives, as compact JSON. The source generator
/// emits it (the <c>MessageContractsDocuments</c> MSBuild property turns it off); the compatibility analyzers compare
/// it with <c>MessageContracts.Shipped.json</c>, and the package's build task writes the baseline, the AsyncAPI
/// document and the JSON Schemas from it. See docs/contract-evolution.md.
/// </summary>
/// <remarks>Not for users: only the generator writes it. Nothing reads it at run time.</remarks>
/// <param name="model">The model, as JSON.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false, Inherited = false)]
public sealed class MessageContractsModelAttribute(string model) : Attribute
{
    /// <summary>The model, as JSON.</summary>
    public string Model { get; } = model;
}
