using System.Globalization;
using System.Text;

namespace MessageContracts.Benchmarks.EndToEnd;

/// <summary>
/// The markdown tables printed at the end: medians over the rounds (min–max in parentheses), and ratios to (a) raw and
/// to (a2) raw + the same six CloudEvents headers, each paired with the reference's run of the same round.
/// </summary>
internal static class Summary
{
    private const string Raw = "a-raw";
    private const string RawWithHeaders = "a2-raw-headers";

    public static string Markdown(IReadOnlyList<Contender> contenders, IReadOnlyList<RunResult> results, IReadOnlyList<AllocationResult> allocations)
    {
        var text = new StringBuilder();
        if (results.Any(r => contenders.Any(c => c.Key == r.Contender && c.Broker == "kafka")))
        {
            var raw = ByRound(results, Raw);
            var headers = ByRound(results, RawWithHeaders);
            text.AppendLine("| contender | msg/s | vs (a) | vs (a2) | p50 ms | p99 ms | p99 vs (a) | p99 vs (a2) | rounds |");
            text.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
            foreach (var contender in contenders.Where(c => c.Broker == "kafka"))
            {
                var mine = results.Where(r => r.Contender == contender.Key).ToList();
                if (mine.Count == 0)
                {
                    continue;
                }

                var incomplete = mine.Count(r => !r.Completed);
                text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {contender.Key}: {contender.Description} | {Cell(mine.Select(r => r.MessagesPerSecond), "N0")} | " +
                    $"{Ratio(mine, raw, r => r.MessagesPerSecond)} | {Ratio(mine, headers, r => r.MessagesPerSecond)} | " +
                    $"{Cell(mine.Select(r => r.P50Ms), "N1")} | {Cell(mine.Select(r => r.P99Ms), "N1")} | " +
                    $"{Ratio(mine, raw, r => r.P99Ms)} | {Ratio(mine, headers, r => r.P99Ms)} | " +
                    $"{mine.Count}{(incomplete > 0 ? $" ({incomplete} incomplete)" : "")} |"));
            }
        }

        AppendRabbitMq(text, contenders, results);
        AppendRedis(text, contenders, results);
        if (allocations.Count > 0)
        {
            // Against (a2): the toolkit always writes the six headers, so raw with the same headers is the fair reference.
            var headers = allocations.Where(a => a.Contender == RawWithHeaders).ToDictionary(a => a.Round);
            text.AppendLine();
            text.AppendLine("| contender | publish B/msg | vs (a2) | consume B/msg | vs (a2) | publish alone, msg/s | vs (a2) | consume alone, s (incl. start) | messages | rounds |");
            text.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
            foreach (var key in allocations.Select(a => a.Contender).Distinct())
            {
                var mine = allocations.Where(a => a.Contender == key).ToList();
                text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {key} | {Cell(mine.Select(a => a.PublishBytesPerMessage), "N0")} | {Ratio(mine, headers, a => a.PublishBytesPerMessage)} | " +
                    $"{Cell(mine.Select(a => a.ConsumeBytesPerMessage), "N0")} | {Ratio(mine, headers, a => a.ConsumeBytesPerMessage)} | " +
                    $"{Cell(mine.Select(a => a.PublishMessagesPerSecond), "N0")} | {Ratio(mine, headers, a => a.PublishMessagesPerSecond)} | " +
                    $"{Cell(mine.Select(a => a.ConsumeSeconds), "N2")} | {mine[0].Messages:N0} | {mine.Count} |"));
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// The paced (latency) table: p50 and p99 with their differences and ratios to (a) and (a2). Issue 12's targets for
    /// the defaults (c): p50 at most 2 ms above raw's, p99 at most 1.5 times raw's.
    /// </summary>
    public static string PacedMarkdown(IReadOnlyList<Contender> contenders, IReadOnlyList<RunResult> results, double rate)
    {
        var raw = ByRound(results, Raw);
        var headers = ByRound(results, RawWithHeaders);
        var text = new StringBuilder();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Paced at {rate:N0} msg/s: publish-to-handle latency."));
        text.AppendLine();
        text.AppendLine("| contender | handled msg/s | p50 ms | p50 − (a) ms | p50 − (a2) ms | p99 ms | p99 vs (a) | p99 vs (a2) | rounds |");
        text.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var contender in contenders.Where(c => c.Broker == "kafka"))
        {
            var mine = results.Where(r => r.Contender == contender.Key).ToList();
            if (mine.Count == 0)
            {
                continue;
            }

            var incomplete = mine.Count(r => !r.Completed);
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {contender.Key}: {contender.Description} | {Cell(mine.Select(r => r.MessagesPerSecond), "N0")} | {Cell(mine.Select(r => r.P50Ms), "N1")} | " +
                $"{Difference(mine, raw, r => r.P50Ms)} | {Difference(mine, headers, r => r.P50Ms)} | {Cell(mine.Select(r => r.P99Ms), "N1")} | " +
                $"{Ratio(mine, raw, r => r.P99Ms)} | {Ratio(mine, headers, r => r.P99Ms)} | " +
                $"{mine.Count}{(incomplete > 0 ? $" ({incomplete} incomplete)" : "")} |"));
        }

        AppendRabbitMq(text, contenders, results);
        AppendRedis(text, contenders, results);
        return text.ToString();
    }

    /// <summary>The RabbitMQ contenders against raw RabbitMQ.Client (r) of the same round: issue 14's target is 0.8x throughput, p99 at most 1.5x.</summary>
    private static void AppendRabbitMq(StringBuilder text, IReadOnlyList<Contender> contenders, IReadOnlyList<RunResult> results) =>
        AppendBrokerTable(text, contenders, results, RabbitMqBench.Broker, "RabbitMQ", RabbitMqBench.RawKey, "r");

    /// <summary>The Redis contenders against raw StackExchange.Redis (x) of the same round: issue 15's target is 0.8x throughput.</summary>
    private static void AppendRedis(StringBuilder text, IReadOnlyList<Contender> contenders, IReadOnlyList<RunResult> results) =>
        AppendBrokerTable(text, contenders, results, RedisBench.Broker, "Redis", RedisBench.RawKey, "x");

    /// <summary>One table for the contenders of a broker other than Kafka, each against that broker's raw client of the same round.</summary>
    private static void AppendBrokerTable(
        StringBuilder text, IReadOnlyList<Contender> contenders, IReadOnlyList<RunResult> results, string broker, string title, string rawKey, string rawLabel)
    {
        var ofBroker = contenders.Where(c => c.Broker == broker && results.Any(r => r.Contender == c.Key)).ToList();
        if (ofBroker.Count == 0)
        {
            return;
        }

        var raw = ByRound(results, rawKey);
        text.AppendLine();
        text.AppendLine($"| {title} contender | msg/s | vs ({rawLabel}) | p50 ms | p50 − ({rawLabel}) ms | p99 ms | p99 vs ({rawLabel}) | rounds |");
        text.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var contender in ofBroker)
        {
            var mine = results.Where(r => r.Contender == contender.Key).ToList();
            var incomplete = mine.Count(r => !r.Completed);
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {contender.Key}: {contender.Description} | {Cell(mine.Select(r => r.MessagesPerSecond), "N0")} | {Ratio(mine, raw, r => r.MessagesPerSecond)} | " +
                $"{Cell(mine.Select(r => r.P50Ms), "N1")} | {Difference(mine, raw, r => r.P50Ms)} | {Cell(mine.Select(r => r.P99Ms), "N1")} | " +
                $"{Ratio(mine, raw, r => r.P99Ms)} | {mine.Count}{(incomplete > 0 ? $" ({incomplete} incomplete)" : "")} |"));
        }
    }

    private static Dictionary<int, RunResult> ByRound(IReadOnlyList<RunResult> results, string key) =>
        results.Where(r => r.Contender == key).ToDictionary(r => r.Round);

    /// <summary>The median of the per-round ratios of <paramref name="value"/> to the reference's, or "–" without a reference.</summary>
    private static string Ratio<T>(IReadOnlyList<T> mine, Dictionary<int, T> reference, Func<T, double> value)
        where T : notnull
    {
        var ratios = mine.Select(r => (Round: RoundOf(r), Value: value(r)))
            .Where(r => reference.ContainsKey(r.Round))
            .Select(r => r.Value / value(reference[r.Round]))
            .ToList();
        return ratios.Count == 0 ? "–" : Cell(ratios, "0.00") + "x";
    }

    /// <summary>The median of the per-round differences of <paramref name="value"/> from the reference's.</summary>
    private static string Difference(IReadOnlyList<RunResult> mine, Dictionary<int, RunResult> reference, Func<RunResult, double> value)
    {
        var differences = mine.Where(r => reference.ContainsKey(r.Round)).Select(r => value(r) - value(reference[r.Round])).ToList();
        return differences.Count == 0 ? "–" : (differences.Order().ElementAt(differences.Count / 2) >= 0 ? "+" : "") + Cell(differences, "N1");
    }

    private static int RoundOf<T>(T result) => result switch
    {
        RunResult run => run.Round,
        AllocationResult allocation => allocation.Round,
        _ => throw new ArgumentException("Not a result.", nameof(result)),
    };

    /// <summary>The median, with the min–max in parentheses when there is more than one value.</summary>
    private static string Cell(IEnumerable<double> values, string format)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
        {
            return "–";
        }

        var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        var cell = median.ToString(format, CultureInfo.InvariantCulture);
        return sorted.Count == 1
            ? cell
            : cell + " (" + sorted[0].ToString(format, CultureInfo.InvariantCulture) + "–" + sorted[^1].ToString(format, CultureInfo.InvariantCulture) + ")";
    }
}
