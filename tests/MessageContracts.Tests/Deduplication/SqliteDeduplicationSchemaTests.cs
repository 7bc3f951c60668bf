using Xunit;

namespace MessageContracts.Tests.Deduplication;

/// <summary>
/// The rewrite of a <c>WITHOUT ROWID</c> deduplication table as a rowid one keeps the rest of its definition, so
/// constraints a DBA added survive the upgrade (the store's tests upgrade such files end to end).
/// </summary>
public sealed class SqliteDeduplicationSchemaTests
{
    [Theory]
    [InlineData("CREATE TABLE t (a TEXT, CHECK (length(a) < 4)) WITHOUT ROWID", "CREATE TABLE t (a TEXT, CHECK (length(a) < 4))")]
    [InlineData("CREATE TABLE t (a TEXT) without  rowid, STRICT", "CREATE TABLE t (a TEXT) STRICT")]
    [InlineData("CREATE TABLE t (a TEXT) STRICT, WITHOUT ROWID", "CREATE TABLE t (a TEXT) STRICT")]
    public void The_rowid_rewrite_drops_only_the_without_rowid_option(string definition, string expected) =>
        Assert.Equal(expected, SqliteDeduplicationSchema.WithoutRowid(definition));

    [Fact]
    public void A_rowid_table_is_left_alone() =>
        Assert.Null(SqliteDeduplicationSchema.WithoutRowid("CREATE TABLE t (a TEXT, b TEXT CHECK (b <> 'WITHOUT ROWID'), PRIMARY KEY (a))"));
}
