using MessageContracts.Generators.Documents;
using MessageContracts.Generators.Tests.Infrastructure;
using MessageContracts.Shared.Wire;

namespace MessageContracts.Generators.Tests.Documents;

/// <summary>The contract model the generator writes into the assembly: the contracts' wire forms, and what the assembly sends and receives.</summary>
public sealed class ContractModelTests
{
    internal const string Shop = """
        using System;
        using System.Collections.Generic;
        using System.Collections.Immutable;
        using System.Data.Common;
        using System.Threading;
        using System.Threading.Tasks;
        using MessageContracts;

        namespace Shop;

        public enum Channel { Web, Store, Phone }

        public sealed record Address(string Street, string? City, int Floor = 0);

        [Event]
        public sealed partial record OrderPlaced(
            [property: PartitionKey] Guid OrderId,
            string CustomerId,
            decimal Total,
            Channel Channel,
            DateTimeOffset PlacedAt,
            IReadOnlyList<string> Items,
            Address ShipTo,
            int? Priority = null)
        {
            public IReadOnlyDictionary<string, long> Stock { get; init; } = new Dictionary<string, long>();
            public required string Note { get; init; }
            public byte[]? Payload { get; init; }
            public ImmutableArray<short> Codes { get; init; }
        }

        [Command(Topic = "loyalty.grant-points", Type = "Loyalty.GrantPoints")]
        public sealed partial record GrantPoints([property: PartitionKey] string CustomerId, int Points, Guid OrderId);

        [Event]
        public sealed partial record OrderShipped([property: PartitionKey] Guid OrderId);

        [Idempotent]
        public sealed class PointsHandler : IMessageHandler<GrantPoints>
        {
            public Task HandleAsync(GrantPoints message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
        }

        public sealed class Checkout(IEventPublisher<OrderPlaced> orders, ICommandSender<GrantPoints> points, IOutbox outbox)
        {
            public async Task PlaceAsync(OrderPlaced order, DbTransaction transaction)
            {
                await orders.PublishAsync(order);
                await points.SendAsync(new GrantPoints(order.CustomerId, 10, order.OrderId), CancellationToken.None);
                await outbox.EnqueueAsync(new OrderShipped(order.OrderId), transaction);
            }
        }
        """;

    [Fact]
    public void Without_the_documents_property_no_model_is_written()
    {
        var run = GeneratorHarness.Run(Shop).AssertCleanCompile();

        Assert.DoesNotContain(DocumentsPipeline.HintName, run.HintNames);
    }

    [Fact]
    public void The_model_records_each_contracts_wire_form_and_what_the_assembly_sends_and_receives()
    {
        var document = ReadModel(Shop);

        Assert.Equal("TestAssembly", document.Assembly);
        Assert.Equal(["Loyalty.GrantPoints", "OrderPlaced", "OrderShipped"], document.Contracts.Select(c => c.CeType));
        Assert.Equal(["Loyalty.GrantPoints", "OrderPlaced", "OrderShipped"], document.Sends.Select(s => s.CeType));
        Assert.Equal(["Loyalty.GrantPoints"], document.Receives.Select(s => s.CeType));

        var grant = document.Contracts[0];
        Assert.Equal(("command", "loyalty.grant-points", "customerId", "Shop.GrantPoints"), (grant.Kind, grant.Topic, grant.PartitionKey, grant.ClrType));

        var order = document.Contracts[1];
        Assert.Equal(("event", "order-placed", "orderId"), (order.Kind, order.Topic, order.PartitionKey));
        Assert.Equal(
            ["channel", "codes", "customerId", "items", "note", "orderId", "payload", "placedAt", "priority", "shipTo", "stock", "total"],
            order.Members.Select(m => m.Name));
        string Describe(string name)
        {
            var member = order.Members.Single(m => m.Name == name);
            return JsonText.WriteCompact(WireJson.ToJson(new WireContract { Members = { member } }).Get("members")!.Items![0]);
        }

        // A value-type parameter without a default (Guid, decimal, an enum, a date) is required: a missing one is not read as 0.
        Assert.Equal("""{"name":"channel","type":"string","enum":["Phone","Store","Web"],"nullable":false,"required":true}""", Describe("channel"));
        Assert.Equal("""{"name":"codes","type":"array","nullable":true,"required":false,"items":{"type":"integer","format":"int16","nullable":false}}""", Describe("codes"));
        Assert.Equal("""{"name":"customerId","type":"string","nullable":false,"required":true}""", Describe("customerId"));
        Assert.Equal("""{"name":"note","type":"string","nullable":false,"required":true}""", Describe("note"));
        Assert.Equal("""{"name":"payload","type":"string","format":"base64","nullable":true,"required":false}""", Describe("payload"));
        Assert.Equal("""{"name":"placedAt","type":"string","format":"date-time","nullable":false,"required":true}""", Describe("placedAt"));
        Assert.Equal("""{"name":"priority","type":"integer","format":"int32","nullable":true,"required":false}""", Describe("priority"));
        Assert.Equal(
            """{"name":"shipTo","type":"object","nullable":false,"required":true,"members":[{"name":"city","type":"string","nullable":true,"required":false},{"name":"floor","type":"integer","format":"int32","nullable":false,"required":false},{"name":"street","type":"string","nullable":false,"required":true}]}""",
            Describe("shipTo"));
        Assert.Equal("""{"name":"stock","type":"object","nullable":false,"required":false,"values":{"type":"integer","format":"int64","nullable":false}}""", Describe("stock"));
        Assert.Equal("""{"name":"total","type":"number","format":"decimal","nullable":false,"required":true}""", Describe("total"));
    }

    [Fact]
    public void The_baseline_is_sorted_readable_and_one_member_per_line()
    {
        var baseline = WireJson.WriteBaseline(ReadModel(Shop).Contracts);

        var lines = baseline.Split('\n');
        Assert.Equal("{", lines[0]);
        Assert.Equal("  \"formatVersion\": 1,", lines[1]);
        Assert.Contains("""        { "name": "customerId", "type": "string", "nullable": false, "required": true },""", lines);
        Assert.Contains("""        { "name": "channel", "type": "string", "enum": ["Phone", "Store", "Web"], "nullable": false, "required": true },""", lines);
        Assert.EndsWith("}\n", baseline, StringComparison.Ordinal);

        // Reading it back gives the same text: the format is stable.
        Assert.Equal(baseline, WireJson.WriteBaseline(WireJson.Read(baseline).Contracts));
    }

    internal static WireDocument ReadModel(params string[] sources)
    {
        var run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(sources), GlobalOptionsProvider.DocumentsOn).AssertCleanCompile();
        var attribute = run.Output.Assembly.GetAttributes().Single(a => a.AttributeClass?.Name == "MessageContractsModelAttribute");
        return WireJson.Read((string)attribute.ConstructorArguments[0].Value!);
    }
}
