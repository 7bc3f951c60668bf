extern alias BuildTask;

using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using MessageContracts.Generators.Tests.Contracts;
using MessageContracts.Generators.Tests.Infrastructure;
using MessageContracts.Infrastructure;
using Microsoft.CodeAnalysis;
using AsyncApiWriter = BuildTask::MessageContracts.Build.AsyncApiWriter;
using JsonSchemaWriter = BuildTask::MessageContracts.Build.JsonSchemaWriter;
using TaskJsonText = BuildTask::MessageContracts.Shared.Wire.JsonText;
using TaskWireJson = BuildTask::MessageContracts.Shared.Wire.WireJson;

namespace MessageContracts.Generators.Tests.Documents;

/// <summary>
/// The AsyncAPI document and the JSON Schemas the build writes, checked with the official validators (the AsyncAPI
/// parser and ajv, installed by npm on first use) and against what the generated serializers really write.
/// </summary>
public sealed class AsyncApiDocumentTests
{
    private static string Model(string source, string assemblyName = "Shop.Service")
    {
        var run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation([source], assemblyName), GlobalOptionsProvider.DocumentsOn).AssertCleanCompile();
        return (string)run.Output.Assembly.GetAttributes().Single(a => a.AttributeClass?.Name == "MessageContractsModelAttribute").ConstructorArguments[0].Value!;
    }

    private static string WriteTemp(string name, string text)
    {
        var directory = Directory.CreateTempSubdirectory("mc-documents-").FullName;
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void The_document_of_an_assembly_that_sends_receives_and_enqueues_is_valid_AsyncAPI_3()
    {
        // Contracts of every shape (parts, enums, dictionaries, nullable values, collections), a handler, direct sends,
        // an outbox, and a contract of another assembly handled here.
        var referenced = GeneratorHarness.CreateCompilation(["""
            namespace Billing;
            [MessageContracts.Event(Topic = "billing.invoices")]
            public sealed partial record InvoiceIssued([property: MessageContracts.PartitionKey] string InvoiceId);
            """], "Billing.Contracts");
        var billing = GeneratorHarness.Run(referenced).AssertCleanCompile().Output;
        using var image = new MemoryStream();
        Assert.True(billing.Emit(image).Success);
        var source = ContractModelTests.Shop + """

            [Idempotent]
            public sealed class InvoiceHandler : IMessageHandler<Billing.InvoiceIssued>
            {
                public Task HandleAsync(Billing.InvoiceIssued message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """;
        var compilation = GeneratorHarness.CreateCompilation([source], "Shop.Service", [MetadataReference.CreateFromImage(image.ToArray())]);
        var run = GeneratorHarness.Run(compilation, GlobalOptionsProvider.DocumentsOn).AssertCleanCompile();
        var model = (string)run.Output.Assembly.GetAttributes().Single(a => a.AttributeClass?.Name == "MessageContractsModelAttribute").ConstructorArguments[0].Value!;
        var text = AsyncApiWriter.Write(TaskWireJson.Read(model));
        var path = WriteTemp("Shop.Service.asyncapi.json", text);

        var result = NodeValidator.ValidateAsyncApi(path);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains($"VALID {path} version=3.0.0 channels=4 operations=5 messages=4", result.Lines);

        var document = JsonNode.Parse(text)!;
        Assert.Equal("3.0.0", (string?)document["asyncapi"]);
        Assert.Equal(["billing.invoices", "loyalty.grant-points", "order-placed", "order-shipped"], document["channels"]!.AsObject().Select(c => (string?)c.Value!["address"]));
        var operations = document["operations"]!.AsObject().ToDictionary(o => o.Key, o => (string?)o.Value!["action"]);
        Assert.Equal(
            new Dictionary<string, string?>
            {
                ["sendLoyalty.GrantPoints"] = "send",
                ["sendOrderPlaced"] = "send",
                ["sendOrderShipped"] = "send",
                ["receiveInvoiceIssued"] = "receive",
                ["receiveLoyalty.GrantPoints"] = "receive",
            },
            operations);
        var placed = document["components"]!["messages"]!["OrderPlaced"]!;
        Assert.Equal("OrderPlaced", (string?)placed["headers"]!["properties"]!["ce_type"]!["const"]);
        Assert.Equal(["ce_specversion", "ce_id", "ce_type", "ce_source"], placed["headers"]!["required"]!.AsArray().Select(n => (string?)n));
        Assert.Contains("'orderId'", (string?)placed["bindings"]!["kafka"]!["key"]!["description"], StringComparison.Ordinal);
        Assert.Equal(["channel", "customerId", "items", "note", "orderId", "placedAt", "shipTo", "total"], placed["payload"]!["required"]!.AsArray().Select(n => (string?)n));
        Assert.Null(document["components"]!["messages"]!["InvoiceIssued"]!["payload"]); // declared elsewhere: no shape here
    }

    [Fact]
    public void An_at_most_once_event_says_so_in_a_valid_document_and_the_others_do_not()
    {
        const string source = """
            using MessageContracts;

            namespace Prices;

            [Event(Delivery = Delivery.AtMostOnce)]
            public sealed partial record PriceTicked([property: PartitionKey] string Symbol, decimal Price);

            [Event]
            public sealed partial record PriceFixed([property: PartitionKey] string Symbol, decimal Price);
            """;
        var model = TaskWireJson.Read(Model(source));
        var text = AsyncApiWriter.Write(model);
        var path = WriteTemp("prices.asyncapi.json", text);

        var result = NodeValidator.ValidateAsyncApi(path);

        Assert.True(result.ExitCode == 0, result.Output);
        var messages = JsonNode.Parse(text)!["components"]!["messages"]!;
        Assert.Equal("at-most-once", (string?)messages["PriceTicked"]!["x-messagecontracts-delivery"]);
        Assert.Null(messages["PriceFixed"]!["x-messagecontracts-delivery"]);
        Assert.Equal("at-most-once", model.Contracts.Single(c => c.CeType == "PriceTicked").Delivery);
        Assert.Null(model.Contracts.Single(c => c.CeType == "PriceFixed").Delivery);
    }

    [Fact]
    public void A_broken_document_fails_validation_so_the_validator_is_really_checking()
    {
        var text = AsyncApiWriter.Write(TaskWireJson.Read(Model(ContractModelTests.Shop)))
            .Replace("\"action\": \"send\"", "\"action\": \"publish\"", StringComparison.Ordinal);
        var path = WriteTemp("broken.asyncapi.json", text);

        var result = NodeValidator.ValidateAsyncApi(path);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains($"INVALID {path}", result.Lines);
    }

    [Fact]
    public void The_samples_committed_documents_are_valid_and_its_baseline_matches_its_contracts()
    {
        var sample = Path.Combine(RepositoryRoot(), "samples", "OrderFlow");

        var result = NodeValidator.ValidateAsyncApi(Path.Combine(sample, "OrderFlow.asyncapi.json"));

        Assert.True(result.ExitCode == 0, result.Output);
        var contracts = "using System;\n" + File.ReadAllText(Path.Combine(sample, "Contracts.cs"));
        Assert.Equal(
            TaskWireJson.WriteBaseline(TaskWireJson.Read(Model(contracts, "OrderFlow")).Contracts),
            File.ReadAllText(Path.Combine(sample, "MessageContracts.Shipped.json")));
    }

    [Fact]
    public void Each_contracts_JSON_Schema_is_valid_2020_12_and_accepts_what_the_serializer_writes()
    {
        // This project's own contracts, generated by the real build (MessageContractsDocuments=true in its project file).
        var model = typeof(OrderPlaced).Assembly.GetCustomAttribute<MessageContractsModelAttribute>()!.Model;
        // The evolution contracts declare two versions of the same ce_type in two namespaces, on purpose; they are not under test here.
        var contracts = TaskWireJson.Read(model).Contracts
            .Where(c => !c.ClrType.StartsWith("MessageContracts.Generators.Tests.Evolution.", StringComparison.Ordinal))
            .ToDictionary(c => c.CeType);
        var instances = new (string CeType, byte[] Json)[]
        {
            ("AllTypes", Serialize(SampleAllTypes())),
            ("OrderPlaced", Serialize(new OrderPlaced(Guid.NewGuid(), "customer-1", 10.5m))),
            ("GrantPoints", Serialize(new GrantPoints("customer-1", 7))),
            ("StockCounted", Serialize(new StockCounted(null, 3))),
        };

        foreach (var (ceType, json) in instances)
        {
            var schema = WriteTemp(ceType + ".schema.json", TaskJsonText.WriteReadable(JsonSchemaWriter.Document(contracts[ceType])));
            var instance = Path.Combine(Path.GetDirectoryName(schema)!, ceType + ".json");
            File.WriteAllBytes(instance, json);

            var result = NodeValidator.ValidateSchema(schema, instance);

            Assert.True(result.ExitCode == 0, ceType + ":\n" + result.Output + "\n" + System.Text.Encoding.UTF8.GetString(json));
        }

        // And a message that breaks the schema is rejected: a required member missing, a number as a string.
        var orderSchema = WriteTemp("OrderPlaced.schema.json", TaskJsonText.WriteReadable(JsonSchemaWriter.Document(contracts["OrderPlaced"])));
        var bad = Path.Combine(Path.GetDirectoryName(orderSchema)!, "bad.json");
        File.WriteAllText(bad, """{"orderId":"0b4f1f3e-8f0c-4f55-9d7e-2a1f4a9d6c01","total":"10.5"}""");
        var rejected = NodeValidator.ValidateSchema(orderSchema, bad);
        Assert.NotEqual(0, rejected.ExitCode);
        Assert.Contains("customerId", rejected.Output, StringComparison.Ordinal);
    }

    /// <summary>Every supported member type with a value, enums by one declared name each.</summary>
    private static AllTypes SampleAllTypes() => new(
        Flag: true, B: 200, SB: -5, S: -300, US: 60000, I: -123456, UI: 4000000000, L: long.MinValue, UL: ulong.MaxValue,
        F: 1.1f, D: 0.1 + 0.2, M: 12345.6789m, Text: "quote \" é 😀", Letter: 'é', Id: Guid.NewGuid(),
        When: new DateTime(2024, 5, 1, 10, 30, 15, 123, DateTimeKind.Utc), At: new DateTimeOffset(2024, 5, 1, 10, 30, 15, TimeSpan.FromHours(2)),
        Day: new DateOnly(2024, 2, 29), Time: new TimeOnly(13, 45, 30, 250), Span: new TimeSpan(1, 2, 3, 4, 5),
        Channel: Channel.Store, Access: Access.Read, MaybeInt: null, MaybeId: Guid.Empty, MaybeChannel: Channel.Phone, MaybeText: null,
        Numbers: [1, 2, 3], Names: ["a", "b"], Channels: [Channel.Web, Channel.Phone], Sparse: [1, null, 3], Loose: ["x", null],
        Blob: [0, 1, 2, 250, 255], Home: new Address("Main St 1", null, 12345), Work: null,
        Lines: [new Line { Sku = "A-1", Quantity = 2 }], Grid: [[1, 2], [], [3]]);

    private static byte[] Serialize<T>(T message)
        where T : IMessageContract<T>
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            T.Serialize(writer, message);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MessageContracts.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("MessageContracts.sln not found above " + AppContext.BaseDirectory);
    }
}
