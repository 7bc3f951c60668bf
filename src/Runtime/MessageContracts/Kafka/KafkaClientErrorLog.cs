using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace MessageContracts;

/// <summary>
/// Logs the errors a Kafka client reports. librdkafka repeats a non-fatal error every reconnect attempt (tens a
/// second while a broker is down), so a repeat of the error last warned about, within a minute of that warning, goes
/// to Debug: the warning says that the state changed, not how often the client noticed it. Fatal errors are always
/// logged as critical.
/// </summary>
internal sealed partial class KafkaClientErrorLog
{
    private static readonly long RepeatWindowMs = (long)TimeSpan.FromMinutes(1).TotalMilliseconds;
    private ErrorCode lastWarned = ErrorCode.NoError;
    private readonly ILogger logger;
    private readonly string client;
    private long lastWarnedAtMs;

    /// <param name="logger">The logger of the component owning the client.</param>
    /// <param name="client">"producer" or "consumer", for the message.</param>
    public KafkaClientErrorLog(ILogger logger, string client)
    {
        this.logger = logger;
        this.client = client;
    }

    public void Report(Error error)
    {
        if (error.IsFatal)
        {
            LogFatal(client, error.Code, error.Reason);
            return;
        }

        // Called on librdkafka's one background thread per client: no other writer.
        var now = Environment.TickCount64;
        if (error.Code == lastWarned && now - lastWarnedAtMs < RepeatWindowMs)
        {
            LogRepeated(client, error.Code, error.Reason);
            return;
        }

        lastWarned = error.Code;
        lastWarnedAtMs = now;
        LogError(client, error.Code, error.Reason);
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Kafka {Client} fatal error {Code}: {Reason}")]
    private partial void LogFatal(string client, ErrorCode code, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka {Client} error {Code}: {Reason}")]
    private partial void LogError(string client, ErrorCode code, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Kafka {Client} error {Code} again: {Reason}")]
    private partial void LogRepeated(string client, ErrorCode code, string reason);
}
