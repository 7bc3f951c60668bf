using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace MessageContracts.RabbitMQ.Management;

/// <summary>
/// The few calls of RabbitMQ's management HTTP API this package makes: read a queue's or an exchange's definition (to
/// compare the declared topology with the broker's), and create and delete virtual hosts (test fixtures).
/// </summary>
internal sealed class RabbitMqManagementClient : IDisposable
{
    private readonly HttpClient http;

    /// <param name="baseAddress">The API's base, e.g. <c>http://127.0.0.1:15672/</c>.</param>
    /// <param name="userName">A user with the <c>monitoring</c> tag at least (<c>administrator</c> to manage virtual hosts).</param>
    /// <param name="password">Its password.</param>
    /// <param name="timeout">How long one call may take.</param>
    public RabbitMqManagementClient(Uri baseAddress, string userName, string password, TimeSpan? timeout = null)
    {
        http = new HttpClient { BaseAddress = baseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{userName}:{password}")));
    }

    /// <summary>A client for the API at <paramref name="baseAddress"/> with the credentials of an AMQP URI.</summary>
    public static RabbitMqManagementClient ForAmqpUri(Uri baseAddress, Uri amqpUri)
    {
        var (user, password) = Credentials(amqpUri);
        return new RabbitMqManagementClient(baseAddress, user, password);
    }

    /// <summary>The user name and password of an AMQP URI (<c>guest</c>/<c>guest</c> when it has none, as the client assumes).</summary>
    public static (string User, string Password) Credentials(Uri amqpUri)
    {
        if (string.IsNullOrEmpty(amqpUri.UserInfo))
        {
            return ("guest", "guest");
        }

        var parts = amqpUri.UserInfo.Split(':', 2);
        return (Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "");
    }

    /// <summary>The queue's definition, or null when the virtual host has no such queue.</summary>
    public Task<BrokerEntity?> GetQueueAsync(string virtualHost, string name, CancellationToken cancellationToken) =>
        GetEntityAsync($"api/queues/{Escape(virtualHost)}/{Escape(name)}", cancellationToken);

    /// <summary>The exchange's definition, or null when the virtual host has no such exchange.</summary>
    public Task<BrokerEntity?> GetExchangeAsync(string virtualHost, string name, CancellationToken cancellationToken) =>
        GetEntityAsync($"api/exchanges/{Escape(virtualHost)}/{Escape(name)}", cancellationToken);

    /// <summary>Creates the virtual host (no-op when it exists) and gives <paramref name="user"/> every permission in it.</summary>
    public async Task CreateVirtualHostAsync(string virtualHost, string user, CancellationToken cancellationToken)
    {
        await SendAsync(HttpMethod.Put, $"api/vhosts/{Escape(virtualHost)}", "{}", cancellationToken).ConfigureAwait(false);
        await SendAsync(HttpMethod.Put, $"api/permissions/{Escape(virtualHost)}/{Escape(user)}",
            """{"configure":".*","write":".*","read":".*"}""", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the virtual host and everything in it; no-op when it does not exist.</summary>
    public Task DeleteVirtualHostAsync(string virtualHost, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, $"api/vhosts/{Escape(virtualHost)}", body: null, cancellationToken, notFoundIsFine: true);

    /// <summary>The names of the client connections to <paramref name="virtualHost"/> (fault tests close them).</summary>
    public async Task<IReadOnlyList<(string Name, string? ClientName)>> GetConnectionsAsync(string virtualHost, CancellationToken cancellationToken)
    {
        var path = $"api/vhosts/{Escape(virtualHost)}/connections";
        using var response = await http.GetAsync(path, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, path, cancellationToken).ConfigureAwait(false);
        using var document = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
        return [.. document.RootElement.EnumerateArray().Select(connection => (
            connection.GetProperty("name").GetString()!,
            connection.TryGetProperty("client_properties", out var client) && client.TryGetProperty("connection_name", out var name) ? name.GetString() : null))];
    }

    /// <summary>Closes a client connection as the broker would on a network failure seen from its side; no-op when it is gone.</summary>
    public Task CloseConnectionAsync(string name, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, $"api/connections/{Escape(name)}", body: null, cancellationToken, notFoundIsFine: true);

    /// <summary>Sets a policy (JSON <paramref name="definition"/>) on the queues whose names match <paramref name="pattern"/>.</summary>
    public Task PutQueuePolicyAsync(string virtualHost, string name, string pattern, string definition, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, $"api/policies/{Escape(virtualHost)}/{Escape(name)}",
            $$$"""{"pattern":"{{{JsonEncodedText.Encode(pattern)}}}","definition":{{{definition}}},"apply-to":"queues","priority":10}""", cancellationToken);

    /// <summary>Removes a policy; no-op when it does not exist.</summary>
    public Task DeletePolicyAsync(string virtualHost, string name, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, $"api/policies/{Escape(virtualHost)}/{Escape(name)}", body: null, cancellationToken, notFoundIsFine: true);

    public void Dispose() => http.Dispose();

    // A virtual host or queue name is one path segment: '/' (the default virtual host) becomes %2F.
    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private async Task<BrokerEntity?> GetEntityAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(path, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, path, cancellationToken).ConfigureAwait(false);
        var json = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return BrokerEntity.Parse(json);
    }

    private async Task SendAsync(HttpMethod method, string path, string? body, CancellationToken cancellationToken, bool notFoundIsFine = false)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (notFoundIsFine && response.StatusCode == HttpStatusCode.NotFound)
        {
            return;
        }

        await EnsureSuccessAsync(response, path, cancellationToken).ConfigureAwait(false);
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string path, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new HttpRequestException(
                $"RabbitMQ's management API answered {(int)response.StatusCode} {response.ReasonPhrase} to {path}: {text}", null, response.StatusCode);
        }
    }
}

/// <summary>An exchange's or a queue's definition as the broker holds it.</summary>
/// <param name="Durable">Whether it survives a broker restart.</param>
/// <param name="AutoDelete">Whether the broker deletes it once unused.</param>
/// <param name="Type">An exchange's type (<c>fanout</c>, ...); a queue's type (<c>quorum</c>, <c>classic</c>).</param>
/// <param name="Arguments">The <c>x-</c> arguments, each as invariant text (numbers as digits, strings as they are).</param>
internal sealed record BrokerEntity(bool Durable, bool AutoDelete, string? Type, IReadOnlyDictionary<string, string> Arguments)
{
    public static BrokerEntity Parse(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        var arguments = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("arguments", out var args) && args.ValueKind == JsonValueKind.Object)
        {
            foreach (var argument in args.EnumerateObject())
            {
                arguments[argument.Name] = argument.Value.ValueKind == JsonValueKind.String
                    ? argument.Value.GetString()!
                    : argument.Value.GetRawText();
            }
        }

        return new BrokerEntity(
            root.TryGetProperty("durable", out var durable) && durable.ValueKind == JsonValueKind.True,
            root.TryGetProperty("auto_delete", out var autoDelete) && autoDelete.ValueKind == JsonValueKind.True,
            root.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null,
            arguments);
    }
}
