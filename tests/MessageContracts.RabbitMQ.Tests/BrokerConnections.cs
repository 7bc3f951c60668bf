namespace MessageContracts.RabbitMQ.Tests;

/// <summary>Drops client connections the way the broker does (management API, DELETE /api/connections/{name}).</summary>
public static class BrokerConnections
{
    /// <summary>
    /// Waits until the management API lists a connection of each of <paramref name="clientNames"/> in the virtual host (its
    /// list lags the connections by a moment), then closes every connection of the virtual host. Returns how many it closed.
    /// </summary>
    public static async Task<int> CloseAllAsync(RabbitMqVirtualHost virtualHost, params string[] clientNames)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (true)
        {
            var connections = await virtualHost.Management.GetConnectionsAsync(virtualHost.Name, deadline.Token);
            if (clientNames.All(name => connections.Any(connection => connection.ClientName == name)))
            {
                foreach (var connection in connections)
                {
                    await virtualHost.Management.CloseConnectionAsync(connection.Name, deadline.Token);
                }

                return connections.Count;
            }

            if (!await poll.WaitForNextTickAsync(deadline.Token))
            {
                throw new TimeoutException($"The management API never listed connections {string.Join(", ", clientNames)}; it lists {string.Join(", ", connections.Select(connection => connection.ClientName))}.");
            }
        }
    }
}
