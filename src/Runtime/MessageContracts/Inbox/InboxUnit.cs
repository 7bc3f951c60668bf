using System.Data.Common;

namespace MessageContracts;

/// <summary>
/// An open inbox transaction and its connection, from <see cref="IInboxStore.TryBeginAsync"/>. The consumer runs the
/// handlers with <see cref="Transaction"/>, commits it, and disposes the unit; disposing rolls back whatever was not
/// committed and closes the connection.
/// </summary>
/// <param name="connection">The open connection the unit owns from now on.</param>
/// <param name="transaction">The transaction on <paramref name="connection"/> that holds the message ID's insert.</param>
public sealed class InboxUnit(DbConnection connection, DbTransaction transaction) : IAsyncDisposable
{
    /// <summary>The unit's connection; the handlers reach it as <c>MessageContext.Transaction.Connection</c>.</summary>
    public DbConnection Connection { get; } = connection ?? throw new ArgumentNullException(nameof(connection));

    /// <summary>The unit's transaction: the message ID's insert, the handlers' writes, and the dead-letter mark.</summary>
    public DbTransaction Transaction { get; } = transaction ?? throw new ArgumentNullException(nameof(transaction));

    /// <summary>
    /// For <see cref="IInboxStore"/> implementers: starts a unit on an open <paramref name="connection"/>. Begins the
    /// transaction with <paramref name="begin"/>, then runs <paramref name="claim"/>, which records the message ID in it
    /// and says whether this delivery is the first. Returns the unit (the caller now owns the connection), or
    /// <see langword="null"/> for a duplicate; either way, and on any failure, nothing is left open.
    /// </summary>
    /// <param name="connection">An open connection of the store's own; closed here unless a unit is returned.</param>
    /// <param name="begin">Begins the transaction on the connection, with the isolation or locking the store needs.</param>
    /// <param name="claim">Inserts the message ID through the unit's transaction; true when it was not there before.</param>
    /// <returns>The unit, or null when <paramref name="claim"/> returned false.</returns>
    public static async Task<InboxUnit?> StartAsync(
        DbConnection connection,
        Func<DbConnection, ValueTask<DbTransaction>> begin,
        Func<InboxUnit, Task<bool>> claim)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(begin);
        ArgumentNullException.ThrowIfNull(claim);
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

    /// <summary>Rolls back what was not committed and closes the connection; a broken connection is not an error here.</summary>
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
