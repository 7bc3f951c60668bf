// MessageContracts sample: three services in one process, each its own host, consumer group and store.
//   order service  saves an order, and in the same transaction enqueues OrderPlaced (an event) and GrantPoints (a
//                  command) in its outbox; the outbox relay publishes them after the commit.
//   loyalty        counts each customer's orders (OrderPlaced) and is the one handler of GrantPoints.
//   shipping       books a shipment for every order (OrderPlaced: the same event, its own copy).
// It injects the failures the toolkit exists for, on purpose: a produce that times out after the broker appended it
// (a duplicate in the log), a handler that fails twice then succeeds, and a poison record. It ends with a summary of
// checks measured from the toolkit's own counters and the services' state; the exit code is 0 only if all hold.
//
//   dotnet run --project samples/OrderFlow [-- --orders N] [--bootstrap-servers host:9092] [--postgres "<connection string>"]
//                                          [--transport kafka|rabbitmq|redis] [--rabbitmq amqp://user:pass@host:5672/vhost]
//                                          [--redis host:6379]
//
// Embedded Kafka (librdkafka's mock cluster, in-process) and SQLite files by default; --bootstrap-servers and
// --postgres switch to real infrastructure (broker-side faults need the embedded Kafka and are skipped on a real one).
// --transport rabbitmq runs the same services over a RabbitMQ broker: --rabbitmq, or MESSAGECONTRACTS_RABBITMQ (which
// scripts/brokers.sh exports after starting one); --transport redis over Redis Streams: --redis, or MESSAGECONTRACTS_REDIS.
using OrderFlow;
using OrderFlow.Brokers;
using OrderFlow.Faults;
using OrderFlow.Loyalty;
using OrderFlow.Services;
using OrderFlow.Shipping;
using OrderFlow.Storage;
using OrderFlow.Summary;

var postgres = ArgumentValue(args, "--postgres");
// At least 3: the faults use the first orders (the producer's warm-up, the produce timeout, the flaky booking).
var orderCount = int.TryParse(ArgumentValue(args, "--orders"), out var n) ? Math.Max(3, n) : 10;
using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
var cancellationToken = timeout.Token;

await using SampleStorage storage = postgres is null ? new SqliteStorage() : new PostgreSqlStorage(postgres);
await storage.CreateSchemaAsync(cancellationToken);
await using var broker = await StartBrokerAsync(args, cancellationToken);
var environment = new SampleEnvironment(broker, storage);
Console.WriteLine(broker.Description);
Console.WriteLine($"Storage: {storage.Description}");

using var metrics = new SampleMetrics();
var carrier = new FlakyCarrier();
await using var shipping = await ShippingService.StartAsync(environment, carrier, cancellationToken);
await using var loyalty = await LoyaltyService.StartAsync(environment, cancellationToken);
await using var orders = await OrderService.StartAsync(environment, cancellationToken);
Console.WriteLine($"Services: {OrderService.Name} (publishes), {LoyaltyService.Name} and {ShippingService.Name} (consume); placing {orderCount} orders");

var checks = await new Scenario(environment, orders, loyalty, shipping, carrier, metrics).RunAsync(orderCount, cancellationToken);
SummaryTable.Print(checks);
if (SummaryTable.AllHold(checks))
{
    Console.WriteLine("OK: every check holds.");
    return 0;
}

Console.WriteLine("FAILED: " + string.Join("; ", checks.Where(check => check.Holds is false).Select(check => $"{check.Name}: expected {check.Expected}, measured {check.Measured}")));
return 1;

static async Task<SampleBroker> StartBrokerAsync(string[] args, CancellationToken cancellationToken)
{
    var transport = ArgumentValue(args, "--transport") ?? "kafka";
    return transport switch
    {
        "kafka" => await KafkaBroker.StartAsync(ArgumentValue(args, "--bootstrap-servers"), cancellationToken),
        "rabbitmq" => await RabbitMqBroker.StartAsync(ArgumentValue(args, "--rabbitmq"), cancellationToken),
        "redis" => await RedisBroker.StartAsync(ArgumentValue(args, "--redis"), cancellationToken),
        _ => throw new ArgumentException($"--transport {transport}: the sample runs over kafka (the default), rabbitmq or redis."),
    };
}

static string? ArgumentValue(string[] args, string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
