using System.Diagnostics;
using Confluent.Kafka;
using MessageContracts.Testing;

namespace MessageContracts.Benchmarks.Headers;

/// <summary>One phase's figures: CPU nanoseconds by role, the process total, wall seconds and bytes allocated.</summary>
/// <remarks><see cref="TotalCpu"/> is the process's CPU time in the phase less the tiered JIT's (<see cref="CpuRole.Jit"/>).</remarks>
internal sealed record PhaseResult(int Messages, Dictionary<CpuRole, long> Cpu, long TotalCpu, double Seconds, long Allocated)
{
    public double MicrosecondsPerMessage(CpuRole role) => Cpu[role] / 1_000.0 / Messages;

    public double TotalMicrosecondsPerMessage => TotalCpu / 1_000.0 / Messages;

    public double AllocatedPerMessage => (double)Allocated / Messages;

    public double MessagesPerSecond => Messages / Seconds;
}

/// <summary>One mode's run on a fresh embedded cluster.</summary>
internal sealed record RunResult(string Mode, int Round, PhaseResult Produce, PhaseResult Consume);

/// <summary>
/// Runs one <see cref="Mode"/> on a fresh embedded cluster in two phases, so that each side's CPU is apart from the
/// other's: first produce everything (no consumer), then consume everything (the producer gone). The producer and
/// consumer have the toolkit's settings (idempotent, acks=all, linger 5 ms; the embedded cluster's recommended consumer
/// settings); the consumer is assigned every partition (no group join in the measurement).
/// </summary>
internal static class HeaderRun
{
    /// <summary>Prints every phase's CPU by thread name (--threads).</summary>
    public static bool ShowThreads { get; set; }

    private const string Topic = "headers.bench";
    private const int WarmUp = 1_000;

    public static async Task<RunResult> RunAsync(Mode mode, int round, int messages, int window, int partitions)
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic(Topic, partitions);
        var produce = OnThread(ThreadCpu.ProduceThread, () => Produce(kafka, mode, messages, window));
        var consume = OnThread(ThreadCpu.ConsumeThread, () => Consume(kafka, mode, WarmUp + messages, partitions));
        return new RunResult(mode.Key, round, produce, consume);
    }

    private static PhaseResult Produce(EmbeddedKafka kafka, Mode mode, int messages, int window)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            ClientId = "bench-headers",
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
            MessageTimeoutMs = 30_000,
            DeliveryReportFields = "key,value,timestamp,status",
        };
        using var producer = new ProducerBuilder<byte[]?, byte[]>(config).Build();
        var pending = 0;
        var failures = 0;
        using var windowDone = new ManualResetEventSlim();
        Action<DeliveryReport<byte[]?, byte[]>> delivered = report =>
        {
            if (report.Error.IsError)
            {
                Interlocked.Increment(ref failures);
            }

            if (Interlocked.Decrement(ref pending) == 0)
            {
                windowDone.Set();
            }
        };

        void ProduceAll(int count)
        {
            for (var sent = 0; sent < count;)
            {
                var batch = Math.Min(window, count - sent);
                windowDone.Reset();
                Volatile.Write(ref pending, batch);
                for (var i = 0; i < batch; i++)
                {
                    producer.Produce(Topic, mode.Create(BenchOrderPlaced.Create(sent + i)), delivered);
                }

                windowDone.Wait();
                sent += batch;
            }
        }

        // Connections, metadata and the producer ID first, outside the measurement.
        ProduceAll(WarmUp);
        var before = ThreadCpu.Take();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var started = Stopwatch.GetTimestamp();
        ProduceAll(messages);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        var after = ThreadCpu.Take();
        Show("produce", mode, before, after);
        if (failures > 0)
        {
            throw new InvalidOperationException($"{mode.Key}: {failures} message(s) were not delivered.");
        }

        return Phase(messages, before, after, seconds, allocated);
    }

    private static PhaseResult Consume(EmbeddedKafka kafka, Mode mode, int messages, int partitions)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = "bench-headers",
            ClientId = "bench-headers",
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        };
        foreach (var setting in kafka.RecommendedClientSettings)
        {
            config.Set(setting.Key, setting.Value);
        }

        var before = ThreadCpu.Take();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var started = Stopwatch.GetTimestamp();
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(Topic, p, Offset.Beginning)));
        var consumed = 0;
        var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 300);
        long idLengths = 0;
        while (consumed < messages)
        {
            var record = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (record is null || record.IsPartitionEOF)
            {
                if (Stopwatch.GetTimestamp() > deadline)
                {
                    throw new TimeoutException($"{mode.Key}: consumed {consumed} of {messages}.");
                }

                continue;
            }

            var (id, payload) = mode.Read(record.Message);
            idLengths += id.Length + payload.ItemCount;
            consumed++;
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        var after = ThreadCpu.Take();
        Show("consume", mode, before, after);
        GC.KeepAlive(idLengths);
        consumer.Close();
        return Phase(messages, before, after, seconds, allocated);
    }

    private static PhaseResult Phase(int messages, ThreadCpu before, ThreadCpu after, double seconds, long allocated)
    {
        var cpu = ThreadCpu.Between(before, after, out var total);
        return new PhaseResult(messages, cpu, total - cpu[CpuRole.Jit], seconds, allocated);
    }

    private static void Show(string phase, Mode mode, ThreadCpu before, ThreadCpu after)
    {
        if (ShowThreads)
        {
            Console.WriteLine($"  {mode.Key} {phase}: {ThreadCpu.ByName(before, after)}");
        }
    }

    /// <summary>Runs <paramref name="phase"/> on a thread of its own, named for its role, and waits for it.</summary>
    private static PhaseResult OnThread(string name, Func<PhaseResult> phase)
    {
        PhaseResult? result = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = phase();
            }
            catch (Exception exception)
            {
                failure = exception;
            }
        })
        { Name = name, IsBackground = true };
        thread.Start();
        thread.Join();
        return failure is null ? result! : throw new InvalidOperationException($"The {name} phase failed.", failure);
    }
}
