using Xunit;

namespace MessageContracts.Tests.Support;

/// <summary>
/// Test classes that make publishes of "price-changed" fail, and count those failures with a process-wide
/// <see cref="System.Diagnostics.Metrics.MeterListener"/>, run one at a time: otherwise one class's failures land in
/// another's count.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PublishFailureMetricsCollection
{
    public const string Name = "PublishFailureMetrics";
}
