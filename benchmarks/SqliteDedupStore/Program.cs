using System.Diagnostics;
using MessageContracts;

// Claims then marks of time-ordered (v7) or random (v4) IDs in calls of 470 (one transaction per call), the clock
// moving one "hour" per tenth of the IDs, and the retention purge (retention 3 hours) after each hour; process CPU of the
// writes per ID and of the purges per deleted ID.
var n = args.Length > 0 ? int.Parse(args[0]) : 200_000;
var mode = args.Length > 1 ? args[1] : "v7";
var path = Path.Combine(Path.GetTempPath(), $"storebench-{Environment.ProcessId}.db");
var time = new ManualTime { Now = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero) };
var store = new SqliteDeduplicationStore($"Data Source={path}", time);
var owner = Guid.NewGuid();
var ids = Enumerable.Range(0, n).Select(_ => (mode == "v7" ? Guid.CreateVersion7() : Guid.NewGuid()).ToString("D")).ToArray();
await store.TryClaimAsync("g", ["warm"], owner, TimeSpan.FromSeconds(30), default);
var proc = Process.GetCurrentProcess();
TimeSpan writeCpu = default, purgeCpu = default;
var purged = 0;
var sw = Stopwatch.StartNew();
string[]? previous = null;
var perHour = n / 10;
for (var s = 0; s < n; s += 470)
{
    var group = ids[s..Math.Min(n, s + 470)];
    proc.Refresh();
    var c0 = proc.TotalProcessorTime;
    if (previous is not null) await store.MarkProcessedAsync("g", previous, owner, default);
    await store.TryClaimAsync("g", group, owner, TimeSpan.FromSeconds(30), default);
    proc.Refresh();
    writeCpu += proc.TotalProcessorTime - c0;
    previous = group;
    if ((s + 470) / perHour != s / perHour)
    {
        time.Now += TimeSpan.FromHours(1);
        proc.Refresh();
        var p0 = proc.TotalProcessorTime;
        purged += await store.PurgeAsync(time.Now - TimeSpan.FromHours(3), default);
        proc.Refresh();
        purgeCpu += proc.TotalProcessorTime - p0;
    }
}
Console.WriteLine($"{mode} n={n}: writes {writeCpu.TotalMicroseconds / n:F2} us/ID cpu, purges {purgeCpu.TotalMilliseconds:F0} ms for {purged} IDs ({(purged > 0 ? purgeCpu.TotalMicroseconds / purged : 0):F2} us/ID), wall {sw.Elapsed.TotalSeconds:F2}s, file {new FileInfo(path).Length / 1e6:F1} MB");
foreach (var f in new[] { path, path + "-wal", path + "-shm" }) File.Delete(f);

sealed class ManualTime : TimeProvider
{
    public DateTimeOffset Now;
    public override DateTimeOffset GetUtcNow() => Now;
}
