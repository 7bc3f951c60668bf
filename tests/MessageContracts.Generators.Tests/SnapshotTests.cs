using MessageContracts.Generators.Emit;
using MessageContracts.Generators.Tests.Infrastructure;

namespace MessageContracts.Generators.Tests;

/// <summary>Golden files of the generated source (set UPDATE_SNAPSHOTS=1 to rewrite them).</summary>
public sealed class SnapshotTests
{
    private const string Sample = """
        using System;
        using System.Collections.Generic;
        using System.Collections.Immutable;
        using System.Threading;
        using System.Threading.Tasks;
        using MessageContracts;

        namespace Shop;

        public enum Channel { Web, Store }

        public sealed record Address(string Street, string? City);

        [Event]
        public sealed partial record OrderPlaced(
            [property: PartitionKey] Guid OrderId,
            string CustomerId,
            decimal Total,
            Channel Channel,
            DateTimeOffset PlacedAt,
            IReadOnlyList<string> Items,
            Address ShipTo,
            int? Priority = null);

        [Command(Topic = "loyalty.grant-points", Type = "Loyalty.GrantPoints")]
        public sealed partial record GrantPoints([property: PartitionKey] string CustomerId, int Points, Guid OrderId)
        {
            public string Reason { get; init; } = "order";

            public IReadOnlyDictionary<string, int?> Bonuses { get; init; } = new Dictionary<string, int?>();

            public ImmutableArray<string> Tags { get; init; }

            public HashSet<Guid>? Related { get; init; }
        }

        [Idempotent]
        public sealed class GrantPointsHandler : IMessageHandler<GrantPoints>, IMessageHandler<OrderPlaced>
        {
            public Task HandleAsync(GrantPoints message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;

            public Task HandleAsync(OrderPlaced message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
        }
        """;

    [Theory]
    [InlineData("Shop.OrderPlaced.Contract.g.cs")]
    [InlineData("Shop.GrantPoints.Contract.g.cs")]
    [InlineData("MessageContracts.Generated.JsonParts.Shop_Address.g.cs")]
    [InlineData("MessageContracts.Generated.JsonParts.Shop_Channel.g.cs")]
    [InlineData(ModuleEmitter.HintName)]
    public void Generated_source_matches_snapshot(string hintName)
    {
        var run = GeneratorHarness.Run(Sample).AssertCleanCompile();
        var source = run.Source(hintName).Replace(EmitHelpers.GeneratorVersion, "VERSION", StringComparison.Ordinal);
        Snapshot.Match(source, hintName);
    }
}
