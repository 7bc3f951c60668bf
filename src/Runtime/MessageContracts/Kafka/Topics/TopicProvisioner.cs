using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>
/// Makes sure topics exist before they are needed, once per topic and process: at startup for the topics the consumer
/// will subscribe to (<see cref="TopicProvisioningService"/>), before the first publish for a topic the service only
/// publishes to. Never fails the caller: a topic that cannot be created is logged (an error when the application may
/// not create topics, with what to change) and the caller goes on; the consumer still notices a topic created later.
/// </summary>
internal sealed partial class TopicProvisioner
{
    private readonly TopicProvisioningOptions settings;
    private readonly ITopicCreator creator;
    private readonly ILogger<TopicProvisioner> logger;
    private readonly ConcurrentDictionary<string, Task> topics = new(StringComparer.Ordinal);
    private readonly object batchGate = new();

    public TopicProvisioner(IOptions<MessageContractsOptions> options, ILogger<TopicProvisioner> logger)
    {
        settings = options.Value.TopicProvisioning;
        creator = options.Value.TopicCreator ?? new AdminClientTopicCreator(options.Value);
        this.logger = logger;
    }

    /// <summary>Ensures <paramref name="topic"/> exists; completes at once when that was done (or tried) before.</summary>
    public Task EnsureAsync(string topic) =>
        !settings.Enabled ? Task.CompletedTask
        : topics.TryGetValue(topic, out var known) ? known
        : EnsureAsync([topic], CancellationToken.None);

    /// <summary>
    /// Ensures every topic of <paramref name="wanted"/> exists, creating the missing ones in one request. The returned
    /// task never faults; cancelling stops waiting, not the creation.
    /// </summary>
    public Task EnsureAsync(IEnumerable<string> wanted, CancellationToken cancellationToken)
    {
        if (!settings.Enabled)
        {
            return Task.CompletedTask;
        }

        List<Task> waits = [];
        List<string> toCreate = [];
        TaskCompletionSource? batch = null;
        lock (batchGate)
        {
            foreach (var topic in wanted.Distinct(StringComparer.Ordinal))
            {
                if (topics.TryGetValue(topic, out var known))
                {
                    if (!known.IsCompleted)
                    {
                        waits.Add(known);
                    }

                    continue;
                }

                batch ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                topics[topic] = batch.Task;
                toCreate.Add(topic);
            }
        }

        if (batch is not null)
        {
            waits.Add(batch.Task);
            _ = CreateAsync(toCreate, batch);
        }

        return waits.Count switch
        {
            0 => Task.CompletedTask,
            _ => Task.WhenAll(waits).WaitAsync(cancellationToken),
        };
    }

    private async Task CreateAsync(List<string> toCreate, TaskCompletionSource done)
    {
        try
        {
            using var timeout = new CancellationTokenSource(settings.Timeout);
            var outcomes = await creator.CreateAsync(toCreate, settings.Partitions, settings.ReplicationFactor, settings.Timeout, timeout.Token).ConfigureAwait(false);
            Report(outcomes);
        }
        catch (Exception exception)
        {
            LogFailed(string.Join(", ", toCreate), exception.Message);
        }
        finally
        {
            done.TrySetResult();
        }
    }

    private void Report(IReadOnlyList<TopicOutcome> outcomes)
    {
        foreach (var outcome in outcomes)
        {
            switch (outcome.Kind)
            {
                case TopicOutcomeKind.Created:
                    LogCreated(outcome.Topic, settings.Partitions?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "the cluster's default");
                    break;
                case TopicOutcomeKind.NotAuthorized:
                    LogNotAuthorized(outcome.Topic, outcome.Reason);
                    break;
                case TopicOutcomeKind.Failed:
                    LogFailed(outcome.Topic, outcome.Reason);
                    break;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created topic '{Topic}' ({Partitions} partitions)")]
    private partial void LogCreated(string topic, string partitions);

    [LoggerMessage(Level = LogLevel.Error, Message = "Topic '{Topic}' does not exist and this application may not create it ({Reason}): create it beforehand, or grant the application CREATE on the topic or cluster. If topics are created by other means, set MessageContractsOptions.TopicProvisioning.Enabled = false")]
    private partial void LogNotAuthorized(string topic, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not make sure topic(s) {Topics} exist ({Reason}); going on without: a consumer notices a topic once it exists")]
    private partial void LogFailed(string topics, string? reason);
}
