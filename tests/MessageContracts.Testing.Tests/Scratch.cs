using System.Diagnostics;
using Confluent.Kafka;
using Xunit;
using Xunit.Abstractions;
namespace MessageContracts.Testing.Tests;
public sealed class Scratch(ITestOutputHelper output)
{
    [Fact]
    public async Task LateAck()
    {
        await using EmbeddedKafka kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic("t", 1);
        var cfg = TestClients.ProducerConfig(kafka);
        cfg.SocketTimeoutMs = 500; cfg.RequestTimeoutMs = 500; cfg.EnableIdempotence = false;
        cfg.Debug = "protocol,msg,broker";
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var sw = Stopwatch.StartNew();
        using var p = new ProducerBuilder<string, string>(cfg).SetLogHandler((_, m) => lines.Enqueue($"{sw.ElapsedMilliseconds} {m.Message}")).Build();
        await p.ProduceAsync("t", TestClients.Message("w"));
        lines.Enqueue("------ push");
        kafka.PushBrokerRequestErrors(1, KafkaApiKey.Produce, (ErrorCode.NoError, TimeSpan.FromMilliseconds(3000)));
        var r = await p.ProduceAsync("t", TestClients.Message("x"));
        lines.Enqueue($"------ delivered {r.Offset}");
        bool on = false;
        foreach (var l in lines) { if (l.StartsWith("------")) on = true; if (on && !l.Contains("Heartbeat")) output.WriteLine(l); }
    }
}
