using Npgsql;

namespace MessageContracts.PostgreSql;

/// <summary>
/// Which PostgreSQL errors the values of a statement can cause, for the PostgreSQL stores (deduplication, inbox): the
/// one place that tells "this record cannot be stored" from "the database is unavailable".
/// </summary>
/// <remarks>
/// <para>
/// Data errors are SQLSTATE class 22 (data exception: 22001 string_data_right_truncation for a value longer than its
/// <c>varchar(n)</c> column, 22021 for bytes the encoding refuses, ...), class 23 (integrity constraint violation: a CHECK
/// or NOT NULL a table was created with) and 54000 program_limit_exceeded (a key larger than a B-tree index entry may be:
/// "index row requires 10024 bytes, maximum size is 8191"). Everything else (class 08 connection exceptions, 53
/// insufficient resources, 57 operator intervention, 40 transaction rollback, 42 a missing table or column, ...) is the
/// database's state and is retried by the consumer.
/// </para>
/// <para>
/// A data error is only a suspicion: a constraint may refuse every row (the consumer group is longer than a column a DBA
/// created, say), which is configuration, not the record. The stores prove the record is at fault by writing a
/// known-good ID in a transaction they roll back (<see cref="ProbeAsync"/>); only then do they throw
/// <see cref="MessageIdRejectedException"/>.
/// </para>
/// </remarks>
internal static class PostgreSqlErrors
{
    /// <summary>An ID the probe writes: short printable ASCII, which any usable table accepts.</summary>
    public const string ProbeMessageId = "messagecontracts-probe";

    /// <summary>Whether <paramref name="exception"/> is an error the values of a statement can cause.</summary>
    public static bool IsDataError(Exception exception) =>
        exception is PostgresException { SqlState: var state }
        && (state.StartsWith("22", StringComparison.Ordinal) || state.StartsWith("23", StringComparison.Ordinal) || state == PostgresErrorCodes.ProgramLimitExceeded);

    /// <summary>
    /// The message ID the failing statement of a batch wrote: its parameter <paramref name="parameterIndex"/> (the
    /// statements give the message ID at the same position), or <paramref name="single"/> for a statement not in a batch.
    /// </summary>
    public static string? FailingMessageId(PostgresException exception, int parameterIndex, string? single = null) =>
        exception.BatchCommand is { } command && command.Parameters.Count > parameterIndex
            ? command.Parameters[parameterIndex].Value as string
            : single;

    /// <summary>
    /// Runs <paramref name="write"/> (the store's statement for <see cref="ProbeMessageId"/>) in a transaction that is
    /// rolled back: true when the server accepts it, so the data error before was the record's; false when the probe
    /// fails too (the table or the consumer group is at fault, or the server went away), and the caller keeps the
    /// original error, which the consumer retries.
    /// </summary>
    public static async Task<bool> ProbeAsync(NpgsqlDataSource dataSource, Func<NpgsqlConnection, NpgsqlTransaction, Task> write, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await write(connection, transaction).ConfigureAwait(false);
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            return false;
        }
    }

    /// <summary>The exception that dead-letters a record whose ID <paramref name="store"/> refused.</summary>
    public static MessageIdRejectedException Rejected(string store, string messageId, PostgresException exception) =>
        new(
            messageId,
            $"The {store} cannot record the message ID {Describe(messageId)}: PostgreSQL {exception.SqlState} {exception.MessageText.TrimEnd('.')}. Other IDs are accepted, so the record is at fault; it is dead-lettered rather than retried.",
            exception);

    /// <summary>
    /// <paramref name="messageId"/> as a dead-letter reason shows it: its first 40 characters (a hostile ID may be
    /// megabytes long) and its length in characters. The same as the core's SQLite stores write.
    /// </summary>
    private static string Describe(string messageId) =>
        messageId.Length <= 40
            ? $"'{messageId}'"
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"'{messageId[..40]}...' ({messageId.Length:N0} characters)");
}
