using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>Checks the options at startup, with errors that say what to change.</summary>
internal sealed class MessageContractsOptionsValidator : IValidateOptions<MessageContractsOptions>
{
    public ValidateOptionsResult Validate(string? name, MessageContractsOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.BootstrapServers))
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

        if (options.DeduplicationLease <= TimeSpan.Zero)
        {
            failures.Add("MessageContractsOptions.DeduplicationLease must be positive: it is how long a claim on a message lasts.");
        }
        else
        {
            // A claim is not renewed while a handler retries: the lease must outlast the longest retry schedule,
            // or another instance could take the message over mid-retry.
            foreach (var (policyName, retry) in RetryPolicies(options))
            {
                var worstCaseWaiting = retry.MaxDelay * Math.Max(0, retry.MaxAttempts - 1);
                if (worstCaseWaiting >= options.DeduplicationLease)
                {
                    failures.Add($"{policyName} can wait {worstCaseWaiting} between attempts, which is not shorter than MessageContractsOptions.DeduplicationLease ({options.DeduplicationLease}): raise the lease or lower MaxAttempts/MaxDelay.");
                }
            }
        }

        failures.AddRange(ProducerTimeouts.FindConflicts(options));

        if (string.IsNullOrEmpty(options.DeadLetterTopicSuffix))
        {
            failures.Add("MessageContractsOptions.DeadLetterTopicSuffix is empty: a dead-letter topic must differ from the topic it serves.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static IEnumerable<(string Name, RetryOptions Retry)> RetryPolicies(MessageContractsOptions options)
    {
        yield return ("MessageContractsOptions.Retry", options.Retry);
        foreach (var (handlerType, retry) in options.BuildHandlerRetries())
        {
            yield return ($"The retry policy of {handlerType.Name}", retry);
        }
    }
}
