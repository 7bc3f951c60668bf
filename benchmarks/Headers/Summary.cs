using System.Globalization;

namespace MessageContracts.Benchmarks.Headers;

/// <summary>Medians over rounds (with the range, for the noise) of CPU per message by role, and ratios to "none" and "six". Per-side differences are against "values" (the ID and time made, not sent).</summary>
internal static class Summary
{
    private static readonly (string Name, CpuRole Role)[] ProduceColumns =
    [
        ("Produce call", CpuRole.ProduceCall), ("librdkafka client", CpuRole.ClientNative), ("mock broker", CpuRole.Broker), ("other", CpuRole.Other), ("(JIT, not in total)", CpuRole.Jit),
    ];

    private static readonly (string Name, CpuRole Role)[] ConsumeColumns =
    [
        ("Consume call", CpuRole.ConsumeCall), ("librdkafka client", CpuRole.ClientNative), ("mock broker", CpuRole.Broker), ("other", CpuRole.Other), ("(JIT, not in total)", CpuRole.Jit),
    ];

    public static void Write(List<RunResult> results, List<string> modes)
    {
        Phase("Produce phase", results, modes, r => r.Produce, ProduceColumns);
        Phase("Consume phase", results, modes, r => r.Consume, ConsumeColumns);

        Console.WriteLine("## Both phases: CPU us/msg (median of per-round sums) and ratios; differences of medians against \"values\"");
        Console.WriteLine();
        Console.WriteLine("| mode | produce + consume | vs none | vs six | over values: produce side (call + client) | consume side (call + client) | broker |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        double Sum(RunResult r) => r.Produce.TotalMicrosecondsPerMessage + r.Consume.TotalMicrosecondsPerMessage;
        double ProduceSide(RunResult r) => r.Produce.MicrosecondsPerMessage(CpuRole.ProduceCall) + r.Produce.MicrosecondsPerMessage(CpuRole.ClientNative);
        double ConsumeSide(RunResult r) => r.Consume.MicrosecondsPerMessage(CpuRole.ConsumeCall) + r.Consume.MicrosecondsPerMessage(CpuRole.ClientNative);
        double Broker(RunResult r) => r.Produce.MicrosecondsPerMessage(CpuRole.Broker) + r.Consume.MicrosecondsPerMessage(CpuRole.Broker);
        var none = Median(results, "none", Sum);
        var six = Median(results, "six", Sum);
        foreach (var mode in modes)
        {
            var total = Median(results, mode, Sum);
            Console.WriteLine(Invariant(
                $"| {mode} | {total:F2} | {total / none:F2} | {total / six:F2} | {Median(results, mode, ProduceSide) - Median(results, "values", ProduceSide):+0.00;-0.00;0.00} | {Median(results, mode, ConsumeSide) - Median(results, "values", ConsumeSide):+0.00;-0.00;0.00} | {Median(results, mode, Broker) - Median(results, "values", Broker):+0.00;-0.00;0.00} |"));
        }

        Console.WriteLine();
    }

    private static void Phase(string title, List<RunResult> results, List<string> modes, Func<RunResult, PhaseResult> phase, (string Name, CpuRole Role)[] columns)
    {
        Console.WriteLine($"## {title}: CPU us/msg by thread, medians [min-max over rounds]");
        Console.WriteLine();
        Console.WriteLine("| mode | " + string.Join(" | ", columns.Select(c => c.Name)) + " | total | total vs none | total vs six | msg/s (wall) | B allocated/msg |");
        Console.WriteLine("| --- |" + string.Concat(columns.Select(_ => " ---: |")) + " ---: | ---: | ---: | ---: | ---: |");
        var none = Median(results, "none", r => phase(r).TotalMicrosecondsPerMessage);
        var six = Median(results, "six", r => phase(r).TotalMicrosecondsPerMessage);
        foreach (var mode in modes)
        {
            var cells = columns.Select(c => Cell(results, mode, r => phase(r).MicrosecondsPerMessage(c.Role)));
            var total = Median(results, mode, r => phase(r).TotalMicrosecondsPerMessage);
            Console.WriteLine(Invariant(
                $"| {mode} | {string.Join(" | ", cells)} | {Cell(results, mode, r => phase(r).TotalMicrosecondsPerMessage)} | {total / none:F2} | {total / six:F2} | {Median(results, mode, r => phase(r).MessagesPerSecond):N0} | {Median(results, mode, r => phase(r).AllocatedPerMessage):N0} |"));
        }

        Console.WriteLine();
    }

    private static string Cell(List<RunResult> results, string mode, Func<RunResult, double> value)
    {
        var values = results.Where(r => r.Mode == mode).Select(value).Order().ToList();
        return Invariant($"{Median(values):F2} [{values[0]:F2}-{values[^1]:F2}]");
    }

    private static double Median(List<RunResult> results, string mode, Func<RunResult, double> value) =>
        Median(results.Where(r => r.Mode == mode).Select(value).Order().ToList());

    private static double Median(List<double> sorted) =>
        sorted.Count == 0 ? double.NaN : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
