using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace MessageContracts.Tests.Outbox;

/// <summary>
/// A TCP proxy in front of the database that a test can cut: <see cref="Cut"/> closes every open connection and refuses
/// new ones (they are accepted and closed at once), <see cref="Restore"/> lets connections through again. The database
/// really becomes unreachable for whoever connects through the proxy, and nothing else is disturbed.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint target;
    private readonly ConcurrentDictionary<TcpClient, byte> open = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Task accepting;
    private volatile bool cut;

    public TcpProxy(string host, int port)
    {
        target = new IPEndPoint(IPAddress.Parse(host), port);
        listener.Start();
        accepting = Task.Run(AcceptAsync);
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>Connections refused while cut.</summary>
    public int Refused => refused;

    private int refused;

    public void Cut()
    {
        cut = true;
        foreach (var client in open.Keys)
        {
            client.Close();
        }
    }

    public void Restore() => cut = false;

    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        listener.Stop();
        Cut();
        try
        {
            await accepting;
        }
        catch (Exception)
        {
            // Stopped.
        }

        stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }

            if (cut)
            {
                Interlocked.Increment(ref refused);
                client.Close();
                continue;
            }

            _ = Task.Run(() => PipeAsync(client));
        }
    }

    private async Task PipeAsync(TcpClient client)
    {
        var server = new TcpClient();
        open[client] = 0;
        open[server] = 0;
        try
        {
            await server.ConnectAsync(target, stop.Token);
            var clientStream = client.GetStream();
            var serverStream = server.GetStream();
            await Task.WhenAny(clientStream.CopyToAsync(serverStream, stop.Token), serverStream.CopyToAsync(clientStream, stop.Token));
        }
        catch (Exception)
        {
            // Cut, or one side closed.
        }
        finally
        {
            open.TryRemove(client, out _);
            open.TryRemove(server, out _);
            client.Close();
            server.Close();
        }
    }
}
