using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>Checks the options at startup, with errors that say what to change.</summary>
internal sealed class MessageContractsOptionsValidator : IValidateOptions<MessageContractsOptions>
{
    private static readonly TimeSpan MinimumLease = TimeSpan.FromSeconds(1);
    private const int MinimumHeaderBytes = 256;

    public ValidateOptionsResult Validate(string? name, MessageContractsOptions options)
    {
        var failures = new List<string>();
        if (options.UsesKafka && string.IsNullOrWhiteSpace(options.BootstrapServers))
        {
            failures.Add("MessageContractsOptions.BootstrapServers is not set: set it in AddMessageContracts(options => options.BootstrapServers = \"host:9092\").");
        }

        if (string.IsNullOrWhiteSpace(options.ConsumerGroup))
        {
            failures.Add("MessageContractsOptions.ConsumerGroup is empty: leave the default (the entry assembly's name) or set a name.");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceName))
        {
            failures.Add("MessageContractsOptions.ServiceName is empty: leave the default (the entry assembly's name) or set a name.");
        }

        if (options.Retry.MaxAttempts < 1)
        {
            failures.Add($"MessageContractsOptions.Retry.MaxAttempts is {options.Retry.MaxAttempts}: it must be at least 1.");
        }

        if (options.Retry.InitialDelay < TimeSpan.Zero || options.Retry.MaxDelay < TimeSpan.Zero)
        {
            failures.Add("MessageContractsOptions.Retry delays must not be negative.");
        }

        if (options.MaxConcurrency < 1)
        {
            failures.Add($"MessageContractsOptions.MaxConcurrency is {options.MaxConcurrency}: it must be at least 1.");
        }

        if (options.MaxQueuedRecordsPerPartition < 1)
        {
            failures.Add($"MessageContractsOptions.MaxQueuedRecordsPerPartition is {options.MaxQueuedRecordsPerPartition}: it must be at least 1.");
        }

        if (options.DeduplicationRetention <= TimeSpan.Zero)
        {
            failures.Add("MessageContractsOptions.DeduplicationRetention must be positive: it is how long processed message IDs are remembered.");
        }

        // A claim is renewed every third of its lease while its handlers run (retries included), so the lease no longer
        // has to outlast the handlers: only a stalled or dead instance's last renewal. A very short lease would turn the
        // renewals into a stream of store calls, and lose the claim to one slow call.
        if (options.DeduplicationLease < MinimumLease)
        {
            failures.Add($"MessageContractsOptions.DeduplicationLease is {options.DeduplicationLease}: it must be at least {MinimumLease.TotalSeconds:0} second. Claims are renewed every third of the lease while the handlers run, so the lease only bounds how long a crashed instance blocks a message; 2 minutes (the default) suits most services.");
        }

        if (options.MaxMessageIdBytes < 1)
        {
            failures.Add($"MessageContractsOptions.MaxMessageIdBytes is {options.MaxMessageIdBytes}: it must be at least 1 (the default, 200, fits a UUID or a business key).");
        }

        if (options.MaxHeaderBytes < MinimumHeaderBytes)
        {
            failures.Add($"MessageContractsOptions.MaxHeaderBytes is {options.MaxHeaderBytes}: it must be at least {MinimumHeaderBytes}, or the CloudEvents and trace headers themselves would be refused.");
        }

        if (options.MaxTotalHeaderBytes < options.MaxHeaderBytes)
        {
            failures.Add($"MessageContractsOptions.MaxTotalHeaderBytes ({options.MaxTotalHeaderBytes}) is less than MaxHeaderBytes ({options.MaxHeaderBytes}): a record's headers together must be allowed at least as much as one header.");
        }

        if (options.MaxQueuedBytesPerPartition < 1)
        {
            failures.Add($"MessageContractsOptions.MaxQueuedBytesPerPartition is {options.MaxQueuedBytesPerPartition}: it must be at least 1.");
        }

        failures.AddRange(ProducerTimeouts.FindConflicts(options));
        failures.AddRange(ConsumerSettingConflicts.FindConflicts(options));

        if (string.IsNullOrEmpty(options.DeadLetterTopicSuffix))
        {
            failures.Add("MessageContractsOptions.DeadLetterTopicSuffix is empty: a dead-letter topic must differ from the topic it serves.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
