using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Cases.StaffConsole.Tests;

/// <summary>
/// Everything a page does wrong while a test drives it: console errors, failed requests, and answers of 400 or
/// more that the test did not announce with <see cref="Expect"/>.
/// </summary>
public sealed class PageWatch
{
    private readonly List<string> _problems = [];
    private readonly List<(int Status, string Path)> _expected = [];

    public PageWatch(IPage page)
    {
        page.Console += (_, message) =>
        {
            // The browser also logs every 4xx fetch as an error; those are judged by the answers below.
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                Add($"console error: {message.Text}");
            }
        };
        page.PageError += (_, error) => Add($"page error: {error}");
        page.RequestFailed += (_, request) =>
        {
            if (!IsExpected(0, request.Url))
            {
                Add($"request failed: {request.Method} {request.Url} ({request.Failure})");
            }
        };
        page.Response += (_, response) =>
        {
            if (response.Status >= 400 && !IsExpected(response.Status, response.Url))
            {
                Add($"{response.Status} from {response.Request.Method} {response.Url}");
            }
        };
    }

    /// <summary>Announces an answer the next step provokes on purpose (status 0: a request the test aborts).</summary>
    public void Expect(int status, string pathContains)
    {
        lock (_expected)
        {
            _expected.Add((status, pathContains));
        }
    }

    public void AssertClean()
    {
        lock (_problems)
        {
            Assert.True(_problems.Count == 0, string.Join(Environment.NewLine, _problems));
        }
    }

    private bool IsExpected(int status, string url)
    {
        lock (_expected)
        {
            var index = _expected.FindIndex(e => e.Status == status && url.Contains(e.Path, StringComparison.Ordinal));
            if (index >= 0)
            {
                _expected.RemoveAt(index);
            }

            return index >= 0;
        }
    }

    private void Add(string problem)
    {
        lock (_problems)
        {
            _problems.Add(problem);
        }
    }

    /// <summary>axe-core on the page as it is now: no serious or critical violation.</summary>
    public static async Task AssertAccessibleAsync(IPage page, string what)
    {
        var results = await page.RunAxe();
        var bad = results.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}")
            .ToList();
        Assert.True(bad.Count == 0, $"{what}: {string.Join(Environment.NewLine, bad)}");
    }

    /// <summary>At a phone's width nothing may push the page sideways.</summary>
    public static async Task AssertFitsAsync(IPage page, string what)
    {
        // Charts redraw on a resize observer, a moment after the viewport changes: poll briefly, bounded.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        int overflow;
        while ((overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")) > 0
               && DateTime.UtcNow < deadline)
        {
            await page.WaitForTimeoutAsync(100);
        }

        Assert.True(overflow <= 0, $"{what} is {overflow}px wider than the viewport.");
    }
}
