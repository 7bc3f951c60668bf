using System.Text;

namespace MessageContracts.Behaviour.Tests.Transports;

/// <summary>
/// One dead-lettered record as the dead-letter destination holds it: the original key and body, the original headers and
/// the toolkit's <c>mc_dlt_*</c> reason headers (the names <see cref="MessageHeaders"/> gives, on every transport).
/// </summary>
public sealed record DeadLetterSeen(byte[]? Key, byte[] Value, IReadOnlyList<KeyValuePair<string, byte[]>> Headers)
{
    /// <summary>The original <c>ce_id</c>, when the record had a readable one.</summary>
    public string? MessageId => Header(MessageHeaders.Id);

    /// <summary>Why it was dead-lettered.</summary>
    public string? Reason => Header(MessageHeaders.DeadLetterReason);

    /// <summary>The full name of the exception that dead-lettered it.</summary>
    public string? ExceptionType => Header(MessageHeaders.DeadLetterExceptionType);

    /// <summary>How many handler attempts were made ("0" for a record that could not be read).</summary>
    public string? Attempts => Header(MessageHeaders.DeadLetterAttempts);

    /// <summary>The consumer group (service) that dead-lettered it.</summary>
    public string? ConsumerGroup => Header(MessageHeaders.DeadLetterConsumerGroup);

    /// <summary>The destination it was read from.</summary>
    public string? OriginalDestination => Header(MessageHeaders.DeadLetterOriginalTopic);

    /// <summary>The key as text (keys in these tests are ASCII).</summary>
    public string? KeyText => Key is null ? null : Encoding.UTF8.GetString(Key);

    /// <summary>The last header named <paramref name="name"/>, decoded as UTF-8; null when absent.</summary>
    public string? Header(string name)
    {
        for (var i = Headers.Count - 1; i >= 0; i--)
        {
            if (string.Equals(Headers[i].Key, name, StringComparison.Ordinal))
            {
                return Encoding.UTF8.GetString(Headers[i].Value);
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public override string ToString() => $"dead letter key={KeyText} id={MessageId} reason=\"{Reason}\"";
}
