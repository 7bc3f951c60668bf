namespace OrderFlow.Summary;

/// <summary>One row of the summary: what was expected, what was measured, and whether it holds.</summary>
/// <param name="Name">What is checked.</param>
/// <param name="Expected">The expectation, in words.</param>
/// <param name="Measured">What the run measured.</param>
/// <param name="Holds">Whether the measurement meets the expectation; null when the check could not run here.</param>
public sealed record Check(string Name, string Expected, string Measured, bool? Holds)
{
    public string Mark => Holds switch
    {
        true => "✓",
        false => "✗",
        null => "–",
    };
}
