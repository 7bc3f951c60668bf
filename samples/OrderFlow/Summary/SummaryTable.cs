namespace OrderFlow.Summary;

/// <summary>Prints the checks as a table; the run succeeds only if every check that could run holds.</summary>
public static class SummaryTable
{
    public static bool AllHold(IReadOnlyList<Check> checks) => checks.All(check => check.Holds is not false);

    public static void Print(IReadOnlyList<Check> checks)
    {
        var nameWidth = Math.Max("check".Length, checks.Max(c => c.Name.Length));
        var expectedWidth = Math.Max("expected".Length, checks.Max(c => c.Expected.Length));
        var measuredWidth = Math.Max("measured".Length, checks.Max(c => c.Measured.Length));

        Console.WriteLine();
        Row("check", "expected", "measured", "ok");
        Console.WriteLine($"{new string('-', nameWidth)}  {new string('-', expectedWidth)}  {new string('-', measuredWidth)}  --");
        foreach (var check in checks)
        {
            Row(check.Name, check.Expected, check.Measured, check.Mark);
        }

        Console.WriteLine();

        void Row(string name, string expected, string measured, string mark) =>
            Console.WriteLine($"{name.PadRight(nameWidth)}  {expected.PadRight(expectedWidth)}  {measured.PadRight(measuredWidth)}  {mark}");
    }
}
