// MessageContracts sample: an order is placed (event), loyalty reacts by sending a command, the command's one
// handler grants points. The order service saves each order and its OrderPlaced event in one SQLite transaction
// through the transactional outbox; the outbox relay publishes the event once the transaction has committed.
// Runs on an embedded Kafka (librdkafka's mock cluster, in-process) unless --bootstrap-servers names a real cluster,
// and on a fresh SQLite file unless --database names one. Exits 0 when every order was handled and every grant applied.
using MessageContracts;
using MessageContracts.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrderFlow;

var bootstrapServers = ArgumentValue(args, "--bootstrap-servers");
var orderCount = int.TryParse(ArgumentValue(args, "--orders"), out var n) && n > 0 ? n : 10;
var databaseFile = ArgumentValue(args, "--database");
var temporaryDatabase = databaseFile is null;
databaseFile ??= Path.Combine(Path.GetTempPath(), $"orderflow-{Guid.NewGuid():N}.db");
var database = $"Data Source={databaseFile}";
await OrderStore.CreateAsync(database);
Console.WriteLine($"Orders and the outbox in SQLite: {databaseFile}");

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

    // The order and its OrderPlaced event commit together; the relay publishes committed events.
    options.UseSqliteOutbox(database);
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

var outbox = host.Services.GetRequiredService<IOutbox>();
Console.WriteLine($"Placing {orderCount} orders...");
for (var i = 0; i < orderCount; i++)
{
    var order = new OrderPlaced(Guid.NewGuid(), $"customer-{i % 3}", 20m + i);
    var messageId = await OrderStore.PlaceAsync(database, outbox, order);
    Console.WriteLine($"  checkout  -> order {order.OrderId:N} saved with OrderPlaced id={messageId} (outbox)");
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
if (temporaryDatabase)
{
    SqliteConnection.ClearAllPools();
    foreach (var file in new[] { databaseFile, databaseFile + "-wal", databaseFile + "-shm" })
    {
        File.Delete(file);
    }
}

Console.WriteLine(ok ? "OK: every order handled once and every grant applied." : "FAILED: not every message was handled within 60 s.");
return ok ? 0 : 1;

static string? ArgumentValue(string[] args, string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
