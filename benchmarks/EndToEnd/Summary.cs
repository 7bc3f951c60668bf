using System.Globalization;
using System.Text;

namespace MessageContracts.Benchmarks.EndToEnd;

/// <summary>The markdown tables printed at the end: medians over the rounds, and ratios to (a) paired per round.</summary>
internal static class Summary
{
    public static string Markdown(IReadOnlyList<Contender> contenders, IReadOnlyList<RunResult> results, IReadOnlyList<AllocationResult> allocations)
    {
        var text = new StringBuilder();
        var raw = results.Where(r => r.Contender == "a-raw").ToDictionary(r => r.Round);
        text.AppendLine("| contender | msg/s | ratio to (a) | p50 ms | p99 ms | p99 ratio to (a) | rounds |");
        text.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (var contender in contenders)
        {
            var mine = results.Where(r => r.Contender == contender.Key).ToList();
            if (mine.Count == 0)
            {
                continue;
            }

            var paired = mine.Where(r => raw.ContainsKey(r.Round)).ToList();
            var throughputRatios = paired.Select(r => r.MessagesPerSecond / raw[r.Round].MessagesPerSecond).ToList();
            var p99Ratios = paired.Select(r => r.P99Ms / raw[r.Round].P99Ms).ToList();
            var incomplete = mine.Count(r => !r.Completed);
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {contender.Key}: {contender.Description} | {Cell(mine.Select(r => r.MessagesPerSecond), "N0")} | {Cell(throughputRatios, "0.00")}x | " +
                $"{Cell(mine.Select(r => r.P50Ms), "N1")} | {Cell(mine.Select(r => r.P99Ms), "N1")} | {Cell(p99Ratios, "0.00")}x | " +
                $"{mine.Count}{(incomplete > 0 ? $" ({incomplete} incomplete)" : "")} |"));
        }

        if (allocations.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("| contender | publish B/msg | consume B/msg | messages | publish alone, msg/s | consume alone, s (incl. start) |");
            text.AppendLine("| --- | --- | --- | --- | --- | --- |");
            foreach (var allocation in allocations)
            {
                text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {allocation.Contender} | {allocation.PublishBytesPerMessage:N0} | {allocation.ConsumeBytesPerMessage:N0} | {allocation.Messages:N0} | " +
                    $"{allocation.Messages / allocation.PublishSeconds:N0} | {allocation.ConsumeSeconds:N2} |"));
            }
        }

        return text.ToString();
    }

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
