namespace OrderFlow.Summary;

/// <summary>
/// One status line, redrawn in place (<c>\r</c>) while the sample runs; narration lines are printed above it. When the
/// output is redirected the line is not redrawn, only written once at the end, so logs stay readable.
/// </summary>
public sealed class ProgressLine : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    private readonly Func<string> render;
    private readonly Lock gate = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private readonly bool redraw = !Console.IsOutputRedirected;
    private int width;

    public ProgressLine(Func<string> render)
    {
        this.render = render;
        loop = redraw ? RedrawAsync() : Task.CompletedTask;
    }

    /// <summary>Prints a line above the progress line.</summary>
    public void Say(string message)
    {
        lock (gate)
        {
            Clear();
            Console.WriteLine(message);
            Draw();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await loop;
        lock (gate)
        {
            Clear();
            Console.WriteLine(render());
        }

        stop.Dispose();
    }

    private async Task RedrawAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                lock (gate)
                {
                    Draw();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private void Draw()
    {
        if (!redraw)
        {
            return;
        }

        var line = render();
        Console.Write("\r" + line.PadRight(width));
        width = line.Length;
    }

    private void Clear()
    {
        if (redraw && width > 0)
        {
            Console.Write("\r" + new string(' ', width) + "\r");
            width = 0;
        }
    }
}
