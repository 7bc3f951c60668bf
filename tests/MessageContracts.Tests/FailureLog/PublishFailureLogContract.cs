using Xunit;

namespace MessageContracts.Tests.FailureLog;

/// <summary>
/// What every <see cref="IPublishFailureLog"/> must do, run once per log kind by a subclass. xunit makes a new
/// instance per test, so each test gets a database of its own.
/// </summary>
public abstract class PublishFailureLogContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset Time = new(2030, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);

    /// <summary>
    /// A log on this test's database. For a durable kind each call is another instance on the same database, as a
    /// restarted process or a second instance would have; the in-memory log returns its one instance.
    /// </summary>
    protected abstract IPublishFailureLog CreateLog();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task An_appended_record_reads_back_complete_and_byte_exact()
    {
        var log = CreateLog();
        var record = Record("m1") with
        {
            Key = [0, 1, 2, 255],
            Value = [.. Enumerable.Range(0, 256).Select(i => (byte)i)],
            Headers =
            [
                new(MessageHeaders.Id, "m1"u8.ToArray()),
                new("empty", []),
                new("no-value", null),
                new(MessageHeaders.Id, "a second header with the same name"u8.ToArray()),
            ],
            Attempts = 1,
        };

        Assert.True(await log.AppendAsync(record, default));

        var read = Assert.Single(await CreateLog().ReadAsync(0, 10, default));
        Assert.True(read.Sequence > 0);
        Assert.Equal(record.MessageId, read.MessageId);
        Assert.Equal(record.MessageType, read.MessageType);
        Assert.Equal(record.Topic, read.Topic);
        Assert.Equal(record.Key, read.Key);
        Assert.Equal(record.Value, read.Value);
        Assert.Equal(record.Headers.Select(h => h.Key), read.Headers.Select(h => h.Key));
        Assert.Equal(record.Headers.Select(h => h.Value?.ToArray()), read.Headers.Select(h => h.Value));
        Assert.Null(read.Headers[2].Value);
        Assert.Equal(record.Reason, read.Reason);
        Assert.Equal(Time, read.FailedAt);
        Assert.Equal(Time, read.LastAttemptAt);
        Assert.Equal(TimeSpan.Zero, read.FailedAt.Offset);
        Assert.Equal(1, read.Attempts);
    }

    [Fact]
    public async Task A_record_without_a_key_keeps_a_null_key()
    {
        var log = CreateLog();
        await log.AppendAsync(Record("m1") with { Key = null }, default);

        Assert.Null(Assert.Single(await log.ReadAsync(0, 10, default)).Key);
    }

    [Fact]
    public async Task Appending_an_id_twice_keeps_the_first_record()
    {
        var log = CreateLog();
        Assert.True(await log.AppendAsync(Record("m1"), default));

        Assert.False(await CreateLog().AppendAsync(Record("m1") with { Reason = "another", Value = [9] }, default));

        var read = Assert.Single(await log.ReadAsync(0, 10, default));
        Assert.Equal("Local_MsgTimedOut: Message timed out", read.Reason);
        Assert.Equal(1, await log.CountAsync(default));
    }

    [Fact]
    public async Task Records_are_read_oldest_first_in_pages()
    {
        var log = CreateLog();
        for (var i = 1; i <= 5; i++)
        {
            await log.AppendAsync(Record($"m{i}"), default);
        }

        var first = await log.ReadAsync(0, 2, default);
        var second = await log.ReadAsync(first[^1].Sequence, 2, default);
        var third = await log.ReadAsync(second[^1].Sequence, 2, default);
        var none = await log.ReadAsync(third[^1].Sequence, 2, default);

        Assert.Equal(["m1", "m2", "m3", "m4", "m5"], first.Concat(second).Concat(third).Select(r => r.MessageId));
        Assert.Empty(none);
        var sequences = first.Concat(second).Concat(third).Select(r => r.Sequence).ToArray();
        Assert.Equal(sequences.Order(), sequences);
        Assert.Equal(5, sequences.Distinct().Count());
        Assert.Equal(5, await log.CountAsync(default));
    }

    [Fact]
    public async Task A_failed_attempt_counts_and_keeps_the_latest_reason_and_time()
    {
        var log = CreateLog();
        await log.AppendAsync(Record("m1"), default);
        var later = Time.AddMinutes(5);

        Assert.True(await CreateLog().RecordFailedAttemptAsync("m1", "Local_AllBrokersDown: down", later, default));
        Assert.True(await log.RecordFailedAttemptAsync("m1", "Local_MsgTimedOut: again", later.AddMinutes(1), default));
        Assert.False(await log.RecordFailedAttemptAsync("unknown", "x", later, default));

        var read = Assert.Single(await log.ReadAsync(0, 10, default));
        Assert.Equal(3, read.Attempts);
        Assert.Equal("Local_MsgTimedOut: again", read.Reason);
        Assert.Equal(Time, read.FailedAt);
        Assert.Equal(later.AddMinutes(1), read.LastAttemptAt);
    }

    [Fact]
    public async Task Remove_takes_out_exactly_the_given_ids()
    {
        var log = CreateLog();
        foreach (var id in new[] { "m1", "m2", "m3" })
        {
            await log.AppendAsync(Record(id), default);
        }

        Assert.Equal(2, await CreateLog().RemoveAsync(["m1", "m3", "unknown"], default));
        Assert.Equal(0, await log.RemoveAsync([], default));
        Assert.Equal(0, await log.RemoveAsync(["m1"], default));

        Assert.Equal(["m2"], (await log.ReadAsync(0, 10, default)).Select(r => r.MessageId));
        Assert.Equal(1, await log.CountAsync(default));
    }

    [Fact]
    public async Task Sequences_are_never_reused_so_a_reader_paging_on_never_skips_a_new_record()
    {
        var log = CreateLog();
        await log.AppendAsync(Record("m1"), default);
        await log.AppendAsync(Record("m2"), default);
        var m2 = (await log.ReadAsync(0, 10, default))[^1];
        await log.RemoveAsync(["m2"], default);

        await log.AppendAsync(Record("m3"), default);

        var m3 = Assert.Single(await log.ReadAsync(m2.Sequence, 10, default));
        Assert.Equal("m3", m3.MessageId);
        Assert.True(m3.Sequence > m2.Sequence);
    }

    [Fact]
    public async Task A_removed_id_can_be_logged_again()
    {
        var log = CreateLog();
        await log.AppendAsync(Record("m1"), default);
        await log.RemoveAsync(["m1"], default);

        Assert.True(await log.AppendAsync(Record("m1") with { Reason = "again" }, default));
        Assert.Equal("again", Assert.Single(await log.ReadAsync(0, 10, default)).Reason);
    }

    [Fact]
    public async Task Concurrent_appends_all_land()
    {
        var log = CreateLog();

        var added = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => log.AppendAsync(Record($"m{i}"), default))));

        Assert.All(added, Assert.True);
        Assert.Equal(40, await CreateLog().CountAsync(default));
    }

    [Fact]
    public async Task An_empty_log_reads_nothing_and_counts_zero()
    {
        var log = CreateLog();

        Assert.Empty(await log.ReadAsync(0, 10, default));
        Assert.Equal(0, await log.CountAsync(default));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => log.ReadAsync(0, 0, default));
    }

    [Fact]
    public async Task Purge_removes_the_records_that_failed_before_the_cut_off_and_keeps_the_rest()
    {
        var log = CreateLog();
        await log.AppendAsync(Record("old") with { FailedAt = Time.AddDays(-31), LastAttemptAt = Time }, default);
        await log.AppendAsync(Record("at-cut-off") with { FailedAt = Time.AddDays(-30) }, default);
        await log.AppendAsync(Record("new") with { FailedAt = Time.AddHours(-1) }, default);

        // Measured from the first failure: a record retried recently (LastAttemptAt) still expires.
        Assert.Equal(1, await log.PurgeAsync(Time.AddDays(-30), default));
        Assert.Equal(0, await CreateLog().PurgeAsync(Time.AddDays(-30), default));

        Assert.Equal(["at-cut-off", "new"], (await CreateLog().ReadAsync(0, 10, default)).Select(r => r.MessageId));
        Assert.True(await log.AppendAsync(Record("old"), default)); // its ID is free again
    }

    protected static PublishFailureRecord Record(string messageId) => new()
    {
        MessageId = messageId,
        MessageType = "PriceChanged",
        Topic = "price-changed",
        Key = "sku-1"u8.ToArray(),
        Value = "{\"sku\":\"sku-1\",\"price\":1}"u8.ToArray(),
        Headers = [new(MessageHeaders.Id, System.Text.Encoding.UTF8.GetBytes(messageId))],
        Reason = "Local_MsgTimedOut: Message timed out",
        FailedAt = Time,
        LastAttemptAt = Time,
        Attempts = 1,
    };
}
