using System.Collections.Concurrent;
using Cases.Api.Tests.Support;
using static Cases.Api.Tests.Delivery.DeliveryHarness;
using static Cases.Api.Tests.Support.TestHosts;

namespace Cases.Api.Tests.Delivery;

/// <summary>The pull feed, for departments behind a firewall: read with its cursor while dispatches keep coming.</summary>
public sealed class FeedCursorTests
{
    [Fact]
    public async Task The_feed_read_with_its_cursor_returns_each_dispatch_once_in_order_while_new_ones_arrive()
    {
        await using var host = await StartHostAsync(await TestDatabase.CreateDatabaseAsync("cases_feed"));
        var api = new ApiClient(host.Server.CreateClient());
        var dispatched = new ConcurrentBag<Guid>();
        const int count = 16;
        var producer = Task.Run(async () =>
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 4 },
                async (_, _) => dispatched.Add((await Dispatched(api, "housing")).DispatchId));
        });

        var seen = new List<(long Cursor, Guid DispatchId)>();
        var after = "0";
        var deadline = DateTime.UtcNow + Patience;
        while ((seen.Count < count || !producer.IsCompleted) && DateTime.UtcNow < deadline)
        {
            var page = (await api.Get($"/api/departments/housing/dispatches?after={after}&limit=3", Caller.Department("housing"))).ShouldBe(System.Net.HttpStatusCode.OK);
            foreach (var item in page.Body!["items"]!.AsArray())
            {
                seen.Add((long.Parse(item!["cursor"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture), item["dispatchId"]!.GetValue<Guid>()));
            }

            after = page.Text("next");
            await Task.Delay(50);
        }

        await producer;
        Assert.Equal(count, seen.Count);
        Assert.Equal(seen.Select(s => s.Cursor).Order(), seen.Select(s => s.Cursor));
        Assert.Equal(count, seen.Select(s => s.Cursor).Distinct().Count());
        Assert.Equal(dispatched.Order(), seen.Select(s => s.DispatchId).Order());
    }
}
