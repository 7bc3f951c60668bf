using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MessageContracts;

/// <summary>
/// Runs one database probe of a health check under <see cref="MessageContractsHealthCheckOptions.StoreProbeTimeout"/>
/// and turns a failure into an Unhealthy result that names the exception's type only: an exception's message may
/// carry a connection string or a server's echo of it, and health output is read by people and tools without access
/// to secrets.
/// </summary>
internal static class StoreProbe
{
    /// <summary>
    /// Runs <paramref name="probe"/>; on success returns what <paramref name="healthy"/> makes of its answer, on failure
    /// Unhealthy with <paramref name="what"/> and <paramref name="consequence"/> in the description.
    /// </summary>
    public static async Task<HealthCheckResult> RunAsync<T>(
        Func<CancellationToken, Task<T>> probe,
        Func<T, HealthCheckResult> healthy,
        string what,
        string consequence,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        T answer;
        try
        {
            answer = await probe(timeoutSource.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // No exception and no data in the result: the type's name says enough to start looking.
            return HealthCheckResult.Unhealthy(
                $"The {what} does not answer ({exception.GetType().Name}): {consequence} "
                + "Check that its database runs and that the connection string (or the SQLite file's directory) is right.");
        }

        return healthy(answer);
    }
}
