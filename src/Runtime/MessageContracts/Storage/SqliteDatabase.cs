using System.Globalization;
using Microsoft.Data.Sqlite;

namespace MessageContracts;

/// <summary>
/// A SQLite database file that a store keeps its table in: refuses in-memory databases, creates the file's folder and
/// runs the store's schema on first use, and opens connections that wait on a locked file instead of failing. Shared by
/// the SQLite stores so they open their files alike.
/// </summary>
internal sealed class SqliteDatabase
{
    private readonly string connectionString;
    private readonly string? databaseFile;
    private readonly string connectionPragmas;
    private readonly string schema;
    private readonly Func<SqliteConnection, CancellationToken, Task>? upgrade;
    private readonly SemaphoreSlim initializeGate = new(1, 1);
    private volatile bool initialized;

    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string that must name a file.</param>
    /// <param name="schema">The store's idempotent DDL, run once before the first connection is handed out.</param>
    /// <param name="extraConnectionPragmas">Pragmas run on every connection after <c>busy_timeout</c>, or null.</param>
    /// <param name="inMemoryMessage">
    /// The message of the exception that refuses an in-memory <paramref name="connectionString"/>, given the connection
    /// string with any password left out.
    /// </param>
    /// <param name="upgrade">
    /// Brings a table an earlier version created up to date (adds the columns it lacks), on the connection that ran the
    /// schema, or null. It must be idempotent and safe against another process upgrading at the same moment.
    /// </param>
    public SqliteDatabase(string connectionString, string schema, string? extraConnectionPragmas, Func<string, string> inMemoryMessage, Func<SqliteConnection, CancellationToken, Task>? upgrade = null)
    {
        this.upgrade = upgrade;
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.Mode == SqliteOpenMode.Memory
            || string.IsNullOrEmpty(builder.DataSource)
            || string.Equals(builder.DataSource, ":memory:", StringComparison.OrdinalIgnoreCase))
        {
            // The message quotes the connection string without its password (SQLite's encryption key): an exception
            // message ends up in logs.
            throw new ArgumentException(inMemoryMessage(WithoutPassword(builder)), nameof(connectionString));
        }

        this.connectionString = builder.ToString();

        // A "file:" URI is left to SQLite: its folder is not created.
        databaseFile = builder.DataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase) ? null : Path.GetFullPath(builder.DataSource);

        // SQLite's own wait on a locked file, as long as the connection string's Default Timeout.
        var busyTimeoutMilliseconds = checked(builder.DefaultTimeout * 1000);
        var busyTimeout = string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {busyTimeoutMilliseconds};");
        connectionPragmas = extraConnectionPragmas is null ? busyTimeout : busyTimeout + " " + extraConnectionPragmas;
        this.schema = schema;
    }

    /// <summary>The connection string as <paramref name="builder"/> holds it, with any password left out.</summary>
    private static string WithoutPassword(SqliteConnectionStringBuilder builder)
    {
        var shown = new SqliteConnectionStringBuilder(builder.ConnectionString);
        if (!string.IsNullOrEmpty(shown.Password))
        {
            shown.Password = "***";
        }

        return shown.ConnectionString;
    }

    /// <summary>
    /// The full path of <paramref name="fileName"/> in <c>&lt;LocalApplicationData&gt;/MessageContracts</c>, or in the same
    /// folder under the temporary folder when there is no writable local application data folder. The folder is created.
    /// </summary>
    /// <param name="fileName">The database file's name, already safe as a file name.</param>
    /// <returns>The full path of the database file (which need not exist yet).</returns>
    public static string DefaultPath(string fileName)
    {
        var localData = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        if (!string.IsNullOrEmpty(localData))
        {
            var folder = Path.Combine(localData, "MessageContracts");
            try
            {
                Directory.CreateDirectory(folder);
                return Path.Combine(folder, fileName);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // A read-only home (containers, service accounts): the temporary folder still works.
            }
        }

        var fallback = Path.Combine(Path.GetTempPath(), "MessageContracts");
        Directory.CreateDirectory(fallback);
        return Path.Combine(fallback, fileName);
    }

    /// <summary>
    /// Whether the database file does not exist yet (and this instance has not created it): a store can then answer a
    /// query about its rows (there are none) without creating the file.
    /// </summary>
    public bool IsMissing => !initialized && databaseFile is not null && !File.Exists(databaseFile);

    /// <summary>Opens a connection, first creating the folder and the schema if this instance has not yet.</summary>
    /// <param name="cancellationToken">Stops the wait for the database.</param>
    /// <returns>An open connection, which the caller disposes.</returns>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!initialized)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        return await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

            // Pooled connections keep their pragmas; setting them again is free.
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = connectionPragmas;
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await initializeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (initialized)
            {
                return;
            }

            // SQLite creates the file but not its folder.
            if (databaseFile is not null && Path.GetDirectoryName(databaseFile) is { Length: > 0 } folder)
            {
                Directory.CreateDirectory(folder);
            }

            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = schema;

            // Step through every statement's result: ExecuteNonQuery loses an error of a later statement (a CREATE TABLE
            // refused because another connection holds the write lock) once an earlier one returned rows (PRAGMA
            // journal_mode does), and the store would then run without its table.
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
                {
                }
            }

            if (upgrade is not null)
            {
                await upgrade(connection, cancellationToken).ConfigureAwait(false);
            }

            initialized = true;
        }
        finally
        {
            initializeGate.Release();
        }
    }
}
