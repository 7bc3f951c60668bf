using Microsoft.Data.Sqlite;

namespace MessageContracts;

/// <summary>
/// Which SQLite errors the values of a statement can cause, for the SQLite stores (deduplication, inbox): the one place
/// that tells "this record cannot be stored" from "the database is unavailable".
/// </summary>
/// <remarks>
/// A data error is only a suspicion: a constraint a table was created with, or a limit, may refuse every row (a
/// configuration problem), not just this record's. The stores prove the record is at fault by writing a known-good ID
/// in a transaction they roll back (<see cref="ProbeAsync"/>); only then do they throw
/// <see cref="MessageIdRejectedException"/>. Everything else (busy, locked, I/O, full, corrupt, read-only, cannot open)
/// is the database's state and is retried by the consumer.
/// </remarks>
internal static class SqliteErrors
{
    // Primary result codes (https://www.sqlite.org/rescode.html).
    private const int TooBig = 18;
    private const int Constraint = 19;
    private const int Mismatch = 20;

    /// <summary>An ID the probe writes: short printable ASCII, which any usable table accepts.</summary>
    public const string ProbeMessageId = "messagecontracts-probe";

    /// <summary>
    /// Whether <paramref name="exception"/> is an error the values of a statement can cause: a constraint (CHECK, NOT NULL,
    /// a unique index the statement does not expect), a string or blob over the database's length limit, a type mismatch.
    /// </summary>
    public static bool IsDataError(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: var code } && (code & 0xFF) is TooBig or Constraint or Mismatch;

    /// <summary>
    /// Runs <paramref name="write"/> (the store's statement for <see cref="ProbeMessageId"/>) in a transaction that is
    /// rolled back: true when the database accepts it, so the data error before was the record's; false when the probe
    /// fails too (the table or the consumer group is at fault, or the database went away), and the caller keeps the
    /// original error, which the consumer retries.
    /// </summary>
    public static async Task<bool> ProbeAsync(SqliteDatabase database, Func<SqliteConnection, SqliteTransaction, Task> write, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = connection.BeginTransaction(deferred: false);
            await write(connection, transaction).ConfigureAwait(false);
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    /// <summary>The reason a dead-letter reader sees for <paramref name="exception"/> and <paramref name="messageId"/>.</summary>
    public static MessageIdRejectedException Rejected(string store, string messageId, SqliteException exception) =>
        new(
            messageId,
            $"The {store} cannot record the message ID {MessageIdRejectedException.Describe(messageId)}: SQLite error {exception.SqliteExtendedErrorCode} ({exception.Message.TrimEnd('.')}). Other IDs are accepted, so the record is at fault; it is dead-lettered rather than retried.",
            exception);
}
