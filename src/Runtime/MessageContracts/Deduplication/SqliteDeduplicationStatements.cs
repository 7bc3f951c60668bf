using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace MessageContracts;

/// <summary>
/// The statements of <see cref="SqliteDeduplicationStore"/> on one connection, prepared once and rebound per ID, and the
/// one routine that applies a group of <see cref="DeduplicationRequest"/>s in a transaction. The store's public calls run
/// a group of one on a pooled connection; <see cref="SqliteDeduplicationGroupWriter"/> keeps a connection and these
/// statements for the consumer's whole life.
/// </summary>
/// <remarks>
/// Each request is one statement for all of its IDs, which it reads from a JSON array parameter (<c>json_each</c>):
/// profiled on the benchmark, executing a prepared statement once per ID spent more time in Microsoft.Data.Sqlite's
/// binding and resetting than in SQLite itself, and the set statements settle about twice as many IDs per second.
/// The statements of one ID at a time remain for finding the ID the database refuses, when a set statement fails
/// with a data error.
/// </remarks>
internal sealed class SqliteDeduplicationStatements : IDisposable
{
    private const string StoreName = "SQLite deduplication store";
    private const string Table = SqliteDeduplicationStore.TableName;

    // One statement claims a new ID or takes over an expired lease; a live claim or a processed row is left alone,
    // and then RETURNING yields nothing.
    private const string ClaimSql = $"""
        INSERT INTO {Table} (consumer_group, message_id, state, lease_expires_at, processed_at, owner)
        VALUES ($group, $id, 'claimed', $leaseExpiresAt, NULL, $owner)
        ON CONFLICT (consumer_group, message_id) DO UPDATE
            SET lease_expires_at = excluded.lease_expires_at, owner = excluded.owner
            WHERE {Table}.state = 'claimed' AND {Table}.lease_expires_at <= $now
        RETURNING state;
        """;

    private const string StateSql = $"SELECT state FROM {Table} WHERE consumer_group = $group AND message_id = $id;";

    private const string RenewSql = $"""
        UPDATE {Table} SET lease_expires_at = $leaseExpiresAt
        WHERE consumer_group = $group AND message_id = $id AND state = 'claimed' AND owner = $owner;
        """;

    // Marked unless another owner holds an unexpired claim; a processed row is left as it is (then nothing changes, and
    // the state read says why).
    private const string MarkProcessedSql = $"""
        INSERT INTO {Table} (consumer_group, message_id, state, lease_expires_at, processed_at, owner)
        VALUES ($group, $id, 'processed', NULL, $now, NULL)
        ON CONFLICT (consumer_group, message_id) DO UPDATE
            SET state = 'processed', lease_expires_at = NULL, processed_at = excluded.processed_at, owner = NULL
            WHERE {Table}.state = 'claimed' AND ({Table}.owner = $owner OR {Table}.lease_expires_at <= $now);
        """;

    private const string ReleaseSql = $"DELETE FROM {Table} WHERE consumer_group = $group AND message_id = $id AND state = 'claimed' AND owner = $owner;";

    // The same four, each for the set of IDs in the JSON array $ids. An ID given twice meets its own first occurrence's
    // row, as it would in two statements. A claim or a mark answers with its count of rows written only (no row per ID:
    // reading one string per ID back was most of the writer's managed work); when it wrote fewer rows than it was given
    // IDs, a read of the states says which. The renewal (rare: a handler outliving a third of its lease) names the IDs it
    // renewed. ("WHERE true" tells SQLite's
    // parser that ON CONFLICT belongs to the INSERT, not to a join.)
    private const string ClaimSetSql = $"""
        INSERT INTO {Table} (consumer_group, message_id, state, lease_expires_at, processed_at, owner)
        SELECT $group, value, 'claimed', $leaseExpiresAt, NULL, $owner FROM json_each($ids) WHERE true
        ON CONFLICT (consumer_group, message_id) DO UPDATE
            SET lease_expires_at = excluded.lease_expires_at, owner = excluded.owner
            WHERE {Table}.state = 'claimed' AND {Table}.lease_expires_at <= $now;
        """;

    // What a claim set statement left: the rows it claimed read as 'mine' (this owner's claim; the owner token is new
    // for each claim call, so no earlier row has it), the others as their state.
    private const string ClaimStateSetSql = $"""
        SELECT message_id, CASE WHEN state = 'claimed' AND owner = $owner THEN 'mine' ELSE state END FROM {Table}
        WHERE consumer_group = $group AND message_id IN (SELECT value FROM json_each($ids));
        """;

    private const string StateSetSql = $"SELECT message_id, state FROM {Table} WHERE consumer_group = $group AND message_id IN (SELECT value FROM json_each($ids));";

    private const string RenewSetSql = $"""
        UPDATE {Table} SET lease_expires_at = $leaseExpiresAt
        WHERE consumer_group = $group AND message_id IN (SELECT value FROM json_each($ids)) AND state = 'claimed' AND owner = $owner
        RETURNING message_id;
        """;

    private const string MarkProcessedSetSql = $"""
        INSERT INTO {Table} (consumer_group, message_id, state, lease_expires_at, processed_at, owner)
        SELECT $group, value, 'processed', NULL, $now, NULL FROM json_each($ids) WHERE true
        ON CONFLICT (consumer_group, message_id) DO UPDATE
            SET state = 'processed', lease_expires_at = NULL, processed_at = excluded.processed_at, owner = NULL
            WHERE {Table}.state = 'claimed' AND ({Table}.owner = $owner OR {Table}.lease_expires_at <= $now);
        """;

    private const string ReleaseSetSql = $"DELETE FROM {Table} WHERE consumer_group = $group AND message_id IN (SELECT value FROM json_each($ids)) AND state = 'claimed' AND owner = $owner;";

    private readonly SqliteCommand begin;
    private readonly SqliteCommand commit;
    private readonly SqliteCommand rollback;
    private readonly SqliteCommand savepoint;
    private readonly SqliteCommand rollbackToSavepoint;
    private readonly SqliteCommand releaseSavepoint;
    private readonly SqliteCommand claim;
    private readonly SqliteCommand state;
    private readonly SqliteCommand renew;
    private readonly SqliteCommand mark;
    private readonly SqliteCommand release;
    private readonly SqliteCommand claimSet;
    private readonly SqliteCommand stateSet;
    private readonly SqliteCommand claimStateSet;
    private readonly SqliteCommand renewSet;
    private readonly SqliteCommand markSet;
    private readonly SqliteCommand releaseSet;
    private readonly ArrayBufferWriter<byte> json = new(4096);

    // Reused for every request (Reset before each), not one writer per call.
    private Utf8JsonWriter? jsonWriter;
    private readonly HashSet<string> written = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> states = new(StringComparer.Ordinal);

    public SqliteDeduplicationStatements(SqliteConnection connection)
    {
        // BEGIN IMMEDIATE: the writes and the reading of the states that refused them see the same rows.
        begin = Plain(connection, "BEGIN IMMEDIATE;");
        commit = Plain(connection, "COMMIT;");
        rollback = Plain(connection, "ROLLBACK;");
        savepoint = Plain(connection, "SAVEPOINT request;");
        rollbackToSavepoint = Plain(connection, "ROLLBACK TO request;");
        releaseSavepoint = Plain(connection, "RELEASE request;");
        claim = WithParameters(connection, ClaimSql, "$owner", "$leaseExpiresAt", "$now");
        state = WithParameters(connection, StateSql);
        renew = WithParameters(connection, RenewSql, "$owner", "$leaseExpiresAt");
        mark = WithParameters(connection, MarkProcessedSql, "$owner", "$now");
        release = WithParameters(connection, ReleaseSql, "$owner");
        claimSet = WithSetParameters(connection, ClaimSetSql, "$owner", "$leaseExpiresAt", "$now");
        stateSet = WithSetParameters(connection, StateSetSql);
        claimStateSet = WithSetParameters(connection, ClaimStateSetSql, "$owner");
        renewSet = WithSetParameters(connection, RenewSetSql, "$owner", "$leaseExpiresAt");
        markSet = WithSetParameters(connection, MarkProcessedSetSql, "$owner", "$now");
        releaseSet = WithSetParameters(connection, ReleaseSetSql, "$owner");
    }

    /// <summary>
    /// Applies <paramref name="group"/> in one <c>BEGIN IMMEDIATE</c> transaction at <paramref name="now"/>, each request
    /// under a savepoint: a request with an ID the database refuses (while a known-good ID is accepted) is rolled back
    /// alone and gets a <see cref="MessageIdRejectedException"/> as its <see cref="DeduplicationRequest.Failure"/>. Any
    /// other error rolls the whole group back and is thrown.
    /// </summary>
    public void Apply(IReadOnlyList<DeduplicationRequest> group, DateTimeOffset now)
    {
        begin.ExecuteNonQuery();
        try
        {
            foreach (var request in group)
            {
                Apply(request, now);
            }

            commit.ExecuteNonQuery();
        }
        catch
        {
            RollbackQuietly();
            throw;
        }
    }

    public void Dispose()
    {
        jsonWriter?.Dispose();
        foreach (var command in new[] { begin, commit, rollback, savepoint, rollbackToSavepoint, releaseSavepoint, claim, state, renew, mark, release, claimSet, stateSet, claimStateSet, renewSet, markSet, releaseSet })
        {
            command.Dispose();
        }
    }

    private void Apply(DeduplicationRequest request, DateTimeOffset now)
    {
        if (request.MessageIds.Count == 0)
        {
            return;
        }

        if (request.MessageIds.Count == 1 || ToJsonArray(request.MessageIds) is not { } ids)
        {
            // One ID (or one no JSON text can carry): the statements of one ID.
            ApplyEach(request, now);
            return;
        }

        savepoint.ExecuteNonQuery();
        try
        {
            ApplySet(request, ids, now);
        }
        catch (SqliteException exception) when (SqliteErrors.IsDataError(exception))
        {
            // One of the IDs is refused (or every one is): find which, one at a time.
            rollbackToSavepoint.ExecuteNonQuery();
            releaseSavepoint.ExecuteNonQuery();
            Array.Clear(request.Claims);
            Array.Clear(request.Answers);
            ApplyEach(request, now);
            return;
        }

        releaseSavepoint.ExecuteNonQuery();
    }

    /// <summary>One statement for all of the request's IDs (<paramref name="ids"/>, their JSON array); a second one reads the states only when something was refused.</summary>
    private void ApplySet(DeduplicationRequest request, string ids, DateTimeOffset now)
    {
        var nowMilliseconds = now.ToUnixTimeMilliseconds();
        var messageIds = request.MessageIds;
        switch (request.Operation)
        {
            case DeduplicationOperation.Claim:
                BindSet(claimSet, request, ids, ("$leaseExpiresAt", (now + request.Lease).ToUnixTimeMilliseconds()), ("$now", nowMilliseconds));
                if (claimSet.ExecuteNonQuery() == messageIds.Count)
                {
                    request.Claims.AsSpan().Fill(DeduplicationClaim.Claimed);
                    return;
                }

                ReadStates(claimStateSet, request, ids);
                written.Clear();
                for (var i = 0; i < messageIds.Count; i++)
                {
                    // Claimed by its first occurrence only: a later one met the claim just made.
                    var rowState = states.GetValueOrDefault(messageIds[i]);
                    request.Claims[i] = rowState == "mine" && written.Add(messageIds[i]) ? DeduplicationClaim.Claimed
                        : rowState == "processed" ? DeduplicationClaim.AlreadyProcessed
                        : DeduplicationClaim.ClaimedElsewhere;
                }

                break;

            case DeduplicationOperation.MarkProcessed:
                BindSet(markSet, request, ids, ("$now", nowMilliseconds));
                if (markSet.ExecuteNonQuery() == messageIds.Count)
                {
                    request.Answers.AsSpan().Fill(true);
                    return;
                }

                // Marked now or processed before (true), or another owner's live claim (false).
                ReadStates(stateSet, request, ids);
                for (var i = 0; i < messageIds.Count; i++)
                {
                    request.Answers[i] = states.GetValueOrDefault(messageIds[i]) == "processed";
                }

                break;

            case DeduplicationOperation.Renew:
                BindSet(renewSet, request, ids, ("$leaseExpiresAt", (now + request.Lease).ToUnixTimeMilliseconds()));
                ReadWritten(renewSet);
                for (var i = 0; i < messageIds.Count; i++)
                {
                    request.Answers[i] = written.Contains(messageIds[i]);
                }

                break;

            case DeduplicationOperation.Release:
                BindSet(releaseSet, request, ids);
                releaseSet.ExecuteNonQuery();
                break;
        }
    }

    /// <summary>Runs <paramref name="command"/> and collects the IDs its RETURNING clause names into <see cref="written"/>; returns how many.</summary>
    private int ReadWritten(SqliteCommand command)
    {
        written.Clear();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            written.Add(reader.GetString(0));
        }

        return written.Count;
    }

    /// <summary>Reads each row's state for the request's IDs (<paramref name="ids"/>) into <see cref="states"/> with <paramref name="command"/>.</summary>
    private void ReadStates(SqliteCommand command, DeduplicationRequest request, string ids)
    {
        states.Clear();
        command.Parameters["$group"].Value = request.ConsumerGroup;
        command.Parameters["$ids"].Value = ids;
        if (command.Parameters.Contains("$owner"))
        {
            command.Parameters["$owner"].Value = request.Owner;
        }

        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            states[reader.GetString(0)] = reader.GetString(1);
        }
    }

    /// <summary>The IDs as a JSON array, or null when one of them is not valid UTF-16 (JSON text cannot carry it).</summary>
    private string? ToJsonArray(IReadOnlyList<string> messageIds)
    {
        json.ResetWrittenCount();
        var writer = jsonWriter ??= new Utf8JsonWriter(json);
        writer.Reset(json);
        try
        {
            writer.WriteStartArray();
            for (var i = 0; i < messageIds.Count; i++)
            {
                writer.WriteStringValue(messageIds[i]);
            }

            writer.WriteEndArray();
            writer.Flush();
        }
        catch (ArgumentException)
        {
            return null;
        }

        return Encoding.UTF8.GetString(json.WrittenSpan);
    }

    /// <summary>The statements of one ID at a time, each request under a savepoint.</summary>
    private void ApplyEach(DeduplicationRequest request, DateTimeOffset now)
    {
        var nowMilliseconds = now.ToUnixTimeMilliseconds();
        switch (request.Operation)
        {
            case DeduplicationOperation.Claim:
                Bind(claim, request, ("$leaseExpiresAt", (now + request.Lease).ToUnixTimeMilliseconds()), ("$now", nowMilliseconds));
                WriteRefusable(request, now, static (self, request, i) =>
                {
                    if (self.claim.ExecuteScalar() is not null)
                    {
                        request.Claims[i] = DeduplicationClaim.Claimed;
                        return;
                    }

                    request.Claims[i] = self.ReadState(request.ConsumerGroup, request.MessageIds[i]) == "processed"
                        ? DeduplicationClaim.AlreadyProcessed
                        : DeduplicationClaim.ClaimedElsewhere;
                }, claim);
                break;

            case DeduplicationOperation.MarkProcessed:
                Bind(mark, request, ("$now", nowMilliseconds));
                WriteRefusable(request, now, static (self, request, i) =>
                {
                    // Unchanged: processed before (true), or another owner's live claim (false).
                    request.Answers[i] = self.mark.ExecuteNonQuery() > 0
                        || self.ReadState(request.ConsumerGroup, request.MessageIds[i]) == "processed";
                }, mark);
                break;

            case DeduplicationOperation.Renew:
                Bind(renew, request, ("$leaseExpiresAt", (now + request.Lease).ToUnixTimeMilliseconds()));
                for (var i = 0; i < request.MessageIds.Count; i++)
                {
                    renew.Parameters["$id"].Value = request.MessageIds[i];
                    request.Answers[i] = renew.ExecuteNonQuery() > 0;
                }

                break;

            case DeduplicationOperation.Release:
                Bind(release, request);
                for (var i = 0; i < request.MessageIds.Count; i++)
                {
                    release.Parameters["$id"].Value = request.MessageIds[i];
                    release.ExecuteNonQuery();
                }

                break;
        }
    }

    /// <summary>
    /// Runs <paramref name="write"/> for each ID of <paramref name="request"/> (with <paramref name="command"/>'s <c>$id</c>
    /// set) under a savepoint. On a data error, the savepoint is rolled back and a probe ID written (and rolled back) to
    /// tell a refused ID from a table that refuses everything.
    /// </summary>
    private void WriteRefusable(DeduplicationRequest request, DateTimeOffset now, Action<SqliteDeduplicationStatements, DeduplicationRequest, int> write, SqliteCommand command)
    {
        savepoint.ExecuteNonQuery();
        var current = 0;
        try
        {
            for (; current < request.MessageIds.Count; current++)
            {
                command.Parameters["$id"].Value = request.MessageIds[current];
                write(this, request, current);
            }
        }
        catch (SqliteException exception) when (SqliteErrors.IsDataError(exception))
        {
            rollbackToSavepoint.ExecuteNonQuery();
            if (!ProbeAccepted(request.ConsumerGroup, now))
            {
                // The table or the consumer group is at fault, not this ID: the consumer retries the whole call.
                throw;
            }

            request.Failure = SqliteErrors.Rejected(StoreName, request.MessageIds[current], exception);
        }

        releaseSavepoint.ExecuteNonQuery();
    }

    /// <summary>Whether a known-good ID can be claimed (the claim rolled back at once).</summary>
    private bool ProbeAccepted(string consumerGroup, DateTimeOffset now)
    {
        claim.Parameters["$group"].Value = consumerGroup;
        claim.Parameters["$id"].Value = SqliteErrors.ProbeMessageId;
        claim.Parameters["$owner"].Value = Guid.NewGuid();
        claim.Parameters["$leaseExpiresAt"].Value = (now + TimeSpan.FromSeconds(1)).ToUnixTimeMilliseconds();
        claim.Parameters["$now"].Value = now.ToUnixTimeMilliseconds();
        try
        {
            claim.ExecuteScalar();
            return true;
        }
        catch (SqliteException)
        {
            return false;
        }
        finally
        {
            rollbackToSavepoint.ExecuteNonQuery();
        }
    }

    private string? ReadState(string consumerGroup, string messageId)
    {
        state.Parameters["$group"].Value = consumerGroup;
        state.Parameters["$id"].Value = messageId;
        return (string?)state.ExecuteScalar();
    }

    private void RollbackQuietly()
    {
        try
        {
            rollback.ExecuteNonQuery();
        }
        catch (SqliteException)
        {
            // SQLite rolled back already (some errors end the transaction), or the connection is gone: either way
            // nothing of the group is committed.
        }
    }

    private static void Bind(SqliteCommand command, DeduplicationRequest request, params (string Name, long Value)[] times)
    {
        command.Parameters["$group"].Value = request.ConsumerGroup;
        command.Parameters["$owner"].Value = request.Owner;
        foreach (var (name, value) in times)
        {
            command.Parameters[name].Value = value;
        }
    }

    private static void BindSet(SqliteCommand command, DeduplicationRequest request, string ids, params (string Name, long Value)[] times)
    {
        command.Parameters["$ids"].Value = ids;
        Bind(command, request, times);
    }

    private static SqliteCommand Plain(SqliteConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    /// <summary>A command of <paramref name="sql"/> with <c>$group</c> and <c>$id</c> (text) and the other parameters named.</summary>
    private static SqliteCommand WithParameters(SqliteConnection connection, string sql, params string[] others) =>
        WithParameters(connection, sql, "$id", others);

    /// <summary>A command of <paramref name="sql"/> with <c>$group</c> and <c>$ids</c> (text: a JSON array) and the other parameters named.</summary>
    private static SqliteCommand WithSetParameters(SqliteConnection connection, string sql, params string[] others) =>
        WithParameters(connection, sql, "$ids", others);

    private static SqliteCommand WithParameters(SqliteConnection connection, string sql, string idParameter, string[] others)
    {
        var command = Plain(connection, sql);
        command.Parameters.Add("$group", SqliteType.Text);
        command.Parameters.Add(idParameter, SqliteType.Text);
        foreach (var name in others)
        {
            command.Parameters.Add(name, name == "$owner" ? SqliteType.Blob : SqliteType.Integer);
        }

        return command;
    }
}
