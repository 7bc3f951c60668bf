using Microsoft.Data.Sqlite;

namespace MessageContracts;

/// <summary>
/// The group-commit writer of a <see cref="SqliteDeduplicationStore"/>: one dedicated connection with the statements
/// prepared once, one <c>BEGIN IMMEDIATE</c> transaction per group. Being the only writer of its process on the file, it
/// never waits for a lock another connection of the consumer holds (SQLite lets one writer in at a time).
/// </summary>
internal sealed class SqliteDeduplicationGroupWriter(SqliteDatabase database, TimeProvider timeProvider) : IDeduplicationGroupWriter
{
    private SqliteConnection? connection;
    private SqliteDeduplicationStatements? statements;

    public async Task ApplyAsync(IReadOnlyList<DeduplicationRequest> group, CancellationToken cancellationToken)
    {
        if (statements is null)
        {
            connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            statements = new SqliteDeduplicationStatements(connection);
        }

        try
        {
            statements.Apply(group, timeProvider.GetUtcNow());
        }
        catch
        {
            // The connection may be what failed (a file replaced, an I/O error): the next group opens a new one.
            await CloseAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync() => CloseAsync();

    private async ValueTask CloseAsync()
    {
        statements?.Dispose();
        statements = null;
        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            connection = null;
        }
    }
}
