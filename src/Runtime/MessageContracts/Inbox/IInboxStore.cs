using System.Data.Common;

namespace MessageContracts;

/// <summary>
/// The transactional inbox's table: a message ID is inserted in the same transaction as the handlers' own writes, so
/// both commit or neither does. The SQLite store is in this assembly, the PostgreSQL one in MessageContracts.PostgreSql.
/// </summary>
internal interface IInboxStore
{
    /// <summary>
    /// Opens a connection, begins a transaction and inserts <paramref name="messageId"/> for <paramref name="consumerGroup"/>.
    /// Returns null (after rolling back) when the ID was committed before: the message was processed. A concurrent,
    /// uncommitted insert of the same ID makes this wait until that transaction ends.
    /// </summary>
    Task<InboxUnit?> TryBeginAsync(string consumerGroup, string messageId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Records that the message was dead-lettered rather than handled, inside <paramref name="unit"/>'s transaction.</summary>
    Task MarkDeadLetteredAsync(InboxUnit unit, string consumerGroup, string messageId, CancellationToken cancellationToken);

    /// <summary>Forgets message IDs processed before <paramref name="olderThan"/>; returns how many.</summary>
    Task<int> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken);
}

/// <summary>An open inbox transaction and its connection; disposing rolls back what was not committed and closes the connection.</summary>
internal sealed class InboxUnit(DbConnection connection, DbTransaction transaction) : IAsyncDisposable
{
    public DbConnection Connection { get; } = connection;

    public DbTransaction Transaction { get; } = transaction;

    /// <summary>
    /// Starts a unit on an open <paramref name="connection"/>: begins the transaction, then runs
    /// <paramref name="claim"/>, which records the message ID in it and says whether this delivery is the first. Returns
    /// the unit (the caller now owns the connection), or <see langword="null"/> for a duplicate; either way, and on any
    /// failure, nothing is left open.
    /// </summary>
    public static async Task<InboxUnit?> StartAsync(
        DbConnection connection,
        Func<DbConnection, ValueTask<DbTransaction>> begin,
        Func<InboxUnit, Task<bool>> claim)
    {
        InboxUnit? unit = null;
        try
        {
            unit = new InboxUnit(connection, await begin(connection).ConfigureAwait(false));
            if (await claim(unit).ConfigureAwait(false))
            {
                return unit;
            }

            await unit.DisposeAsync().ConfigureAwait(false);
            return null;
        }
        catch
        {
            if (unit is not null)
            {
                await unit.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Transaction.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is DbException or InvalidOperationException or IOException)
        {
            // A broken connection: the server rolled the transaction back already.
        }
        finally
        {
            await Connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
