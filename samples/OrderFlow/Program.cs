// MessageContracts sample: an order is placed (event), loyalty reacts by sending a command, the command's one
// handler grants points. Runs on an embedded Kafka (librdkafka's mock cluster, in-process) unless
// --bootstrap-servers names a real cluster. Exits 0 when every order was handled and every grant applied.
using MessageContracts;
using MessageContracts.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrderFlow;

var bootstrapServers = ArgumentValue(args, "--bootstrap-servers");
var orderCount = int.TryParse(ArgumentValue(args, "--orders"), out var n) && n > 0 ? n : 10;

await using var kafka = bootstrapServers is null ? await EmbeddedKafka.StartAsync() : null;
if (kafka is not null)
{
    kafka.CreateTopic("order-placed", partitions: 3);
    kafka.CreateTopic("loyalty.grant-points", partitions: 3);
    Console.WriteLine($"Embedded Kafka (librdkafka mock cluster) at {kafka.BootstrapServers}");
}
else
{
    Console.WriteLine($"Kafka at {bootstrapServers}");
}

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSingleton<Ledger>();
builder.Services.AddMessageContracts(options =>
{
    if (kafka is not null)
    {
        options.UseEmbeddedKafka(kafka);
    }
    else
    {
        options.BootstrapServers = bootstrapServers!;
    }

    options.ConsumerGroup = "order-flow-sample";
});

using var host = builder.Build();
await host.StartAsync();

var ledger = host.Services.GetRequiredService<Ledger>();
var allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
ledger.Changed += () =>
{
    if (ledger.OrdersSeen >= orderCount && ledger.GrantsApplied >= orderCount)
    {
        allDone.TrySetResult();
    }
};

var orders = host.Services.GetRequiredService<IEventPublisher<OrderPlaced>>();
Console.WriteLine($"Placing {orderCount} orders...");
for (var i = 0; i < orderCount; i++)
{
    var result = await orders.PublishAsync(new OrderPlaced(Guid.NewGuid(), $"customer-{i % 3}", 20m + i));
    Console.WriteLine($"  checkout  -> OrderPlaced id={result.MessageId} partition={result.Partition} offset={result.Offset}");
}

var finished = await Task.WhenAny(allDone.Task, Task.Delay(TimeSpan.FromSeconds(60)));
await host.StopAsync();

Console.WriteLine();
Console.WriteLine($"orders published: {orderCount}");
Console.WriteLine($"orders handled:   {ledger.OrdersSeen}");
Console.WriteLine($"grants applied:   {ledger.GrantsApplied}");
foreach (var (customer, points) in ledger.PointsByCustomer.OrderBy(pair => pair.Key, StringComparer.Ordinal))
{
    Console.WriteLine($"  {customer}: {points} points");
}

var ok = finished == allDone.Task && ledger.OrdersSeen == orderCount && ledger.GrantsApplied == orderCount;
Console.WriteLine(ok ? "OK: every order handled once and every grant applied." : "FAILED: not every message was handled within 60 s.");
return ok ? 0 : 1;

static string? ArgumentValue(string[] args, string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
