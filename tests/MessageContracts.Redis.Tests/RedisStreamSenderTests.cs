using System.Text;
using MessageContracts.Redis.Tests.Support;
using MessageContracts.Transports;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace MessageContracts.Redis.Tests;

/// <summary>The sending side through the seam: what the core's publishers, dead letters and relays call.</summary>
public sealed class RedisStreamSenderTests(RedisServer server) : IClassFixture<RedisServer>
{
    private readonly string prefix = server.Prefix + Guid.NewGuid().ToString("N")[..8] + ":";

    [Fact]
    public async Task One_destinations_outcomes_are_reported_in_the_order_Redis_stored_the_messages()
    {
        await using var host = await RedisHost.StartAsync(server, prefix, "front-desk", handles: false);
        var sender = host.Services.GetRequiredService<ITransportSender>();
        var observer = new RecordingObserver();
        const int count = 3_000;

        // Sent from several threads at once, as publishers do.
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, (i, _) =>
        {
            var headers = new TransportHeaderList();
            headers.Add(MessageHeaders.Id, Encoding.ASCII.GetBytes($"m-{i}"));
            sender.Send(new OutboundMessage("redis-tests.ordered", MessageKind.Event, $"m-{i}", "tests.ordered", null, [1], headers), observer);
            return ValueTask.CompletedTask;
        });

        var positions = await observer.AllAsync(count, TimeSpan.FromSeconds(30));
        Assert.Equal(positions.Order(), positions);
        Assert.Equal(count, positions.Distinct().Count());
        Assert.Equal(count, await server.Database.StreamLengthAsync(prefix + "redis-tests.ordered"));
    }

    [Fact]
    public async Task A_send_the_server_refuses_is_reported_not_written()
    {
        await using var host = await RedisHost.StartAsync(server, prefix, "front-desk", handles: false);
        var sender = host.Services.GetRequiredService<ITransportSender>();

        // The destination's key holds a string, so XADD is refused (WRONGTYPE): nothing was stored.
        await server.Database.StringSetAsync(prefix + "redis-tests.not-a-stream", "occupied");
        var refused = await Assert.ThrowsAsync<TransportSendException>(() => sender.SendAsync(
            new OutboundMessage("redis-tests.not-a-stream", MessageKind.Event, "m-1", "tests.refused", null, [1], new TransportHeaderList())));

        Assert.Equal("ServerError", refused.Failure.Code);
        Assert.Equal(MessagePersistence.NotWritten, refused.Failure.Persistence);
        Assert.Contains("WRONGTYPE", refused.Failure.Reason);
    }

    private sealed class RecordingObserver : IDeliveryObserver
    {
        private readonly List<long> positions = [];
        private TaskCompletionSource signal = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OnDelivered(TransportDelivery delivery)
        {
            TaskCompletionSource current;
            lock (positions)
            {
                positions.Add(delivery.Position);
                current = signal;
                signal = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            current.TrySetResult();
        }

        public void OnFailed(TransportSendFailure failure) => throw new InvalidOperationException(failure.Description);

        public async Task<List<long>> AllAsync(int count, TimeSpan timeout)
        {
            using var deadline = new CancellationTokenSource(timeout);
            while (true)
            {
                Task next;
                lock (positions)
                {
                    if (positions.Count >= count)
                    {
                        return [.. positions];
                    }

                    next = signal.Task;
                }

                await next.WaitAsync(deadline.Token);
            }
        }
    }
}
