using MessageContracts.Testing.Kafka.Native;

namespace MessageContracts.Testing;

// Request tracking: lets tests prove that an injected fault was really served (for example that a
// producer sent three Produce requests because two were answered with errors), rather than inferring
// it from timing. Internal until a caller outside this assembly needs it.
public sealed partial class EmbeddedKafka
{
    /// <summary>Starts recording every request the brokers receive, forgetting those recorded so far.</summary>
    internal void StartRequestTracking()
    {
        ThrowIfDisposed();
        LibrdkafkaMock.StartRequestTracking(cluster);
        LibrdkafkaMock.ClearRequests(cluster);
    }

    /// <summary>Counts the recorded requests of one type, to all brokers, since <see cref="StartRequestTracking"/>.</summary>
    internal unsafe int CountRequests(KafkaApiKey apiKey)
    {
        ThrowIfDisposed();
        IntPtr* requests = LibrdkafkaMock.GetRequests(cluster, out nuint count);
        if (requests == null)
        {
            return 0;
        }

        try
        {
            int matching = 0;
            for (nuint i = 0; i < count; i++)
            {
                if (LibrdkafkaMock.RequestApiKey(requests[i]) == (short)apiKey)
                {
                    matching++;
                }
            }

            return matching;
        }
        finally
        {
            LibrdkafkaMock.DestroyRequestArray(requests, count);
        }
    }
}
