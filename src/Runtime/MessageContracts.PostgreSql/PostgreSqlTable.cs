using Npgsql;

namespace MessageContracts.PostgreSql;

/// <summary>
/// The one table a PostgreSQL store keeps its rows in, reached through a data source: checks the table's names,
/// creates it (and its schema) on first use, and closes the data source if the store built it. Shared by the stores
/// so they create their tables, and refuse names, alike.
/// </summary>
internal sealed class PostgreSqlTable : IAsyncDisposable, IDisposable
{
    // Exists in every database (unless dropped on purpose), so its creation is never attempted.
    private const string PublicSchema = "public";

    private readonly bool ownsDataSource;
    private readonly string lockScope;
    private readonly Func<PostgreSqlTable, string> createTableSql;
    private readonly string? addedColumn;
    private readonly SemaphoreSlim createGate = new(1, 1);
    private volatile bool created;

    /// <param name="dataSource">Where connections come from.</param>
    /// <param name="ownsDataSource">Whether <see cref="Dispose"/> and <see cref="DisposeAsync"/> close <paramref name="dataSource"/>.</param>
    /// <param name="schema">The table's schema, checked as a name.</param>
    /// <param name="tableName">The table's name, checked as a name.</param>
    /// <param name="lockScope">
    /// Begins the advisory lock's key (<c>scope:"schema"."name"</c>). Instances of other versions lock on the same key,
    /// so a store's scope must not change.
    /// </param>
    /// <param name="createTableSql">
    /// The idempotent DDL of the table and its indexes, from <see cref="QualifiedName"/> and <see cref="Name"/>; it runs
    /// after the schema's creation when the schema is missing.
    /// </param>
    /// <param name="addedColumn">
    /// A column a later version added to the table (its definition, e.g. <c>owner uuid NULL</c>), or null: added to a
    /// table an earlier version created without it. Looked up first, so a user without DDL rights on an up-to-date table
    /// is never refused.
    /// </param>
    public PostgreSqlTable(NpgsqlDataSource dataSource, bool ownsDataSource, string schema, string tableName, string lockScope, Func<PostgreSqlTable, string> createTableSql, string? addedColumn = null)
    {
        this.addedColumn = addedColumn;
        Schema = ValidateIdentifier(schema, nameof(schema));
        Name = ValidateIdentifier(tableName, nameof(tableName));
        DataSource = dataSource;
        this.ownsDataSource = ownsDataSource;
        this.lockScope = lockScope;
        this.createTableSql = createTableSql;

        // The names hold only letters, digits and '_', so quoting them is all they need to be spliced into SQL.
        QualifiedName = $"\"{Schema}\".\"{Name}\"";
    }

    /// <summary>Where the store's connections come from.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>The table's schema.</summary>
    public string Schema { get; }

    /// <summary>The table's name.</summary>
    public string Name { get; }

    /// <summary>The schema and the name, each quoted, for use in SQL: <c>"schema"."name"</c>.</summary>
    public string QualifiedName { get; }

    /// <summary>Creates the schema and the table if either is missing, once per instance.</summary>
    /// <param name="cancellationToken">Stops the wait for the server.</param>
    /// <returns>A task that completes when the table exists.</returns>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (created)
        {
            return;
        }

        await createGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!created)
            {
                await CreateAsync(cancellationToken).ConfigureAwait(false);
                created = true;
            }
        }
        finally
        {
            createGate.Release();
        }
    }

    /// <summary>
    /// Runs a retention <paramref name="deleteSql"/> (a DELETE whose one parameter, <c>$1</c>, is the cut-off time) once
    /// the table exists; returns how many rows it removed.
    /// </summary>
    public async Task<int> DeleteOlderThanAsync(string deleteSql, DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = DataSource.CreateCommand(deleteSql);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = olderThan.ToUniversalTime() });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Disposes the data source if the store created it from a connection string.</summary>
    /// <returns>A task that completes when the pool is closed.</returns>
    public ValueTask DisposeAsync() => ownsDataSource ? DataSource.DisposeAsync() : ValueTask.CompletedTask;

    /// <summary>Disposes the data source if the store created it from a connection string.</summary>
    public void Dispose()
    {
        if (ownsDataSource)
        {
            DataSource.Dispose();
        }
    }

    private async Task CreateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (await ExistsAsync(connection, cancellationToken).ConfigureAwait(false))
        {
            // Also the path for a user who may not create tables: the DDL is never sent, so it cannot be refused.
            await AddMissingColumnAsync(connection, cancellationToken).ConfigureAwait(false);
            return;
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

                // Instances starting together would race on CREATE ... IF NOT EXISTS (a unique violation in the catalog):
                // one at a time per table, and each looks again once it holds the lock.
                await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext($1))", connection, transaction))
                {
                    command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = lockScope + ":" + QualifiedName });
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                if (!await ExistsAsync(connection, cancellationToken).ConfigureAwait(false))
                {
                    await using var command = new NpgsqlCommand(CreateSql(), connection, transaction);
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (PostgresException exception) when (attempt < 3 && IsConcurrentCreate(exception))
            {
                // Someone created the schema or table outside the lock (another tool, an older version): look again.
            }
        }

        // The table may be an older version's, created by another instance while this one waited.
        await AddMissingColumnAsync(connection, cancellationToken).ConfigureAwait(false);
    }

    private async Task AddMissingColumnAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (addedColumn is null)
        {
            return;
        }

        var column = addedColumn.Split(' ', 2)[0];
        await using (var check = new NpgsqlCommand(
            "SELECT count(*) FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name = $3", connection))
        {
            check.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Schema });
            check.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Name });
            check.Parameters.Add(new NpgsqlParameter<string> { TypedValue = column });
            if ((long)(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! > 0)
            {
                return;
            }
        }

        // IF NOT EXISTS: two instances upgrading at once both succeed.
        await using var alter = new NpgsqlCommand($"ALTER TABLE {QualifiedName} ADD COLUMN IF NOT EXISTS {addedColumn}", connection);
        await alter.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> ExistsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = QualifiedName });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true;
    }

    private string CreateSql()
    {
        // The schema is created only when missing: CREATE SCHEMA IF NOT EXISTS still needs the right to create schemas.
        var createSchema = Schema == PublicSchema ? "" : $"""
            DO $$ BEGIN
                IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = '{Schema}') THEN
                    CREATE SCHEMA "{Schema}";
                END IF;
            END $$;
            """;
        return createSchema + "\n" + createTableSql(this);
    }

    private static bool IsConcurrentCreate(PostgresException exception) =>
        exception.SqlState is PostgresErrorCodes.UniqueViolation
            or PostgresErrorCodes.DuplicateSchema
            or PostgresErrorCodes.DuplicateTable
            or PostgresErrorCodes.DuplicateObject;

    private static string ValidateIdentifier(string identifier, string parameterName)
    {
        var valid = identifier.Length is > 0 and <= 50
            && (char.IsAsciiLetter(identifier[0]) || identifier[0] == '_')
            && identifier.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
        return valid
            ? identifier
            : throw new ArgumentException($"'{identifier}' is not a usable name: use 1 to 50 ASCII letters, digits and '_', starting with a letter or '_'.", parameterName);
    }
}
