namespace Cases.SampleReceiver;

/// <summary>
/// A department's receiver for Cases dispatches. Run it, then subscribe it:
/// <code>
/// dotnet run --project samples/Cases.SampleReceiver -- --secret &lt;16+ characters&gt; --urls http://127.0.0.1:5199
/// POST /api/departments/{departmentId}/subscriptions {"callbackUrl":"http://127.0.0.1:5199/webhooks/cases","secret":"&lt;the same&gt;"}
/// </code>
/// </summary>
public static class Program
{
    public static async Task Main(string[] args)
    {
        var secret = Argument(args, "--secret") ?? Environment.GetEnvironmentVariable("CASES_WEBHOOK_SECRET");
        if (string.IsNullOrEmpty(secret))
        {
            Console.Error.WriteLine("Give the subscription's secret with --secret or CASES_WEBHOOK_SECRET.");
            Environment.Exit(2);
        }

        var url = Argument(args, "--urls") ?? "http://127.0.0.1:5199";
        var app = ReceiverApp.Build(secret, url, out var receiver);
        app.Lifetime.ApplicationStarted.Register(() =>
            Console.WriteLine($"Receiving Cases dispatches on {url}/webhooks/cases; GET {url}/received lists them."));
        app.Lifetime.ApplicationStopping.Register(() =>
            Console.WriteLine($"Took {receiver.Received.Count} dispatches, {receiver.Duplicates} repeats, refused {receiver.Rejected} bad signatures."));
        await app.RunAsync();
    }

    private static string? Argument(string[] args, string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
}
