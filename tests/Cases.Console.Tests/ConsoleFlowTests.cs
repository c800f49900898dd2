using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Cases.StaffConsole.Tests;

/// <summary>
/// The console in real headless Chromium against the real service: one appeal from the agent's form through the
/// grid's inbox, a dispatch and the department, to the resident's feedback and the dashboard.
/// </summary>
public sealed partial class ConsoleFlowTests(ConsoleHost host) : IClassFixture<ConsoleHost>
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };
    private static readonly ViewportSize Desk = new() { Width = 1280, Height = 900 };

    [SkippableFact]
    public async Task An_appeal_goes_from_the_form_to_the_dashboard()
    {
        Skip.IfNot(File.Exists(Chromium), $"{Chromium} is missing (Debian's chromium package; build.ps1 installs it as root).");
        // The service compiles each endpoint's handler on its first call: the first clicks may take seconds on a busy machine.
        SetDefaultExpectTimeout(30_000);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true });
        var title = $"楼上装修噪音 {Guid.NewGuid():N}"[..20];

        // The agent files the appeal; the first try is refused beside its field, the second loses its answer and is retried.
        var (agent, agentWatch) = await SignInAsync(browser, "agent", null, Desk);
        await Expect(agent.Locator("form.intake")).ToBeVisibleAsync();
        agentWatch.Expect(400, "/api/appeals");
        await agent.ClickAsync("form.intake button[type=submit]");
        await Expect(agent.Locator(".field[data-field=title] .error")).Not.ToBeEmptyAsync();
        await agent.FillAsync("#title", title);
        await agent.FillAsync("#description", "每晚22点后在4号楼电钻施工。");
        await agent.FillAsync("#microGrid-search", "亚芳 4号楼");
        await agent.ClickAsync("button.pick[data-id='sc.xl.xl.yf.04']");
        await agent.FillAsync("#resident-name", "王小明");
        await agent.FillAsync("#resident-phone", "13800001234");
        await agent.FillAsync("#resident-address", "亚芳花园 4号楼 2单元 301");
        await agent.Locator("#resident-address").BlurAsync();
        await PageWatch.AssertAccessibleAsync(agent, "intake");
        await Screenshot(agent, "console-intake.png");

        // The service files it, but the answer never reaches the browser: the retry must find the same case.
        agentWatch.Expect(0, "/api/appeals");
        var lost = 0;
        await agent.RouteAsync("**/api/appeals", async route =>
        {
            if (Interlocked.Increment(ref lost) == 1)
            {
                await route.FetchAsync();
                await route.AbortAsync();
            }
            else
            {
                await route.ContinueAsync();
            }
        });
        await agent.ClickAsync("form.intake button[type=submit]");
        await Expect(agent.Locator("#intake-status .notice.error")).ToBeVisibleAsync();
        await agent.ClickAsync("form.intake button[type=submit]");
        var number = (await agent.Locator("#case-number").TextContentAsync())!.Trim();
        Assert.Matches(CaseNumber(), number);

        // The micro-grid's worker, on a phone: the case is in the inbox; acknowledge it.
        var (worker, workerWatch) = await SignInAsync(browser, "gridworker", "sc.xl.xl.yf.04", Phone);
        var card = worker.Locator($"article[data-case='{number}']");
        await Expect(card).ToBeVisibleAsync();
        await PageWatch.AssertFitsAsync(worker, "the inbox at 390px");
        await PageWatch.AssertAccessibleAsync(worker, "inbox");
        await GiveAsync(worker, number, "acknowledge", ("note", "已电话联系诉求人。"));
        await Expect(card.Locator(".badge.st-acknowledged")).ToBeVisibleAsync();
        await PageWatch.AssertFitsAsync(worker, "an acknowledged case at 390px");

        // Someone else pauses the case meanwhile: the worker's escalation meets a 409 and sees the case as it now is.
        var caseId = await CaseIdAsync(number);
        await ApiAsync(HttpMethod.Post, $"/api/cases/{caseId}/pause", new { reason = "诉求人外出。" }, "gridworker", "sc.xl.xl.yf.04");
        workerWatch.Expect(409, "/escalate");
        await GiveAsync(worker, number, "escalate", ("reason", "需要网格长协调。"));
        await Expect(card.Locator(".notice.conflict")).ToBeVisibleAsync();
        await GiveAsync(worker, number, "resume");
        await GiveAsync(worker, number, "escalate", ("reason", "需要网格长协调。"));
        await Expect(card.Locator(".notice")).ToBeVisibleAsync();
        await Expect(card.Locator("[data-command]")).ToHaveCountAsync(0);

        // The grid's coordinator acknowledges it and dispatches it to the urban management bureau.
        var (coordinator, coordinatorWatch) = await SignInAsync(browser, "coordinator", "sc.xl.xl.yf", Desk);
        await GiveAsync(coordinator, number, "acknowledge");
        await GiveAsync(coordinator, number, "dispatch", ("departmentId", "urban"), ("instructions", "22点后现场核查。"));
        await Expect(coordinator.Locator($"article[data-case='{number}'] .badge.st-dispatched")).ToBeVisibleAsync();

        // The department accepts and resolves it.
        var (department, departmentWatch) = await SignInAsync(browser, "department", "urban", Desk);
        await GiveAsync(department, number, "accept");
        await GiveAsync(department, number, "resolve", ("resolution", "施工方承诺21点前停工。"));
        await Expect(department.Locator($"article[data-case='{number}'] .badge.st-resolved")).ToBeVisibleAsync();

        // The agent calls the resident back and records the feedback; the case closes.
        await agent.GotoAsync($"{host.BaseUrl}/console/#/inbox");
        await GiveAsync(agent, number, "feedback", ("score", "5"), ("comment", "满意。"));
        await Expect(agent.Locator($"article[data-case='{number}'] .badge.st-closed")).ToBeVisibleAsync();

        // An auditor reads the timeline, with the resident masked, and the case as it was when it was filed.
        var (auditor, auditorWatch) = await SignInAsync(browser, "auditor", null, Desk);
        await auditor.GotoAsync($"{host.BaseUrl}/console/#/case/{caseId}");
        await Expect(auditor.Locator(".timeline tbody tr")).ToHaveCountAsync(await EventCountAsync(caseId));
        await Expect(auditor.Locator(".resident")).Not.ToContainTextAsync("13800001234");
        await auditor.Locator("#version").FillAsync("1");
        await auditor.Locator("#version").DispatchEventAsync("change");
        await Expect(auditor.Locator("#as-it-was .badge.st-open")).ToBeVisibleAsync();
        await PageWatch.AssertAccessibleAsync(auditor, "timeline");
        await Screenshot(auditor, "console-timeline.png");

        // This browser runs on New York time; the console shows China Standard Time all the same, and English on request.
        var raisedAt = (await ApiAsync(HttpMethod.Get, $"/api/cases/{caseId}", null, "auditor"))["raisedAt"]!.GetValue<DateTimeOffset>();
        var china = TimeZoneInfo.ConvertTime(raisedAt, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"));
        await Expect(auditor.Locator(".facts").First).ToContainTextAsync(china.ToString("yyyy/MM/dd HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await auditor.ClickAsync("#lang");
        await Expect(auditor.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(auditor.Locator(".timeline caption")).ToHaveTextAsync("Timeline");

        // The street's dashboard counts it once the metrics projection has caught up (bounded: refresh for a while).
        var (street, streetWatch) = await SignInAsync(browser, "coordinator", "sc.xl", Desk);
        await street.GotoAsync($"{host.BaseUrl}/console/#/dashboard");
        var closed = street.Locator(".card[data-count=closed] .value");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await closed.TextContentAsync() != "1" && DateTime.UtcNow < deadline)
        {
            await street.ClickAsync("#refresh");
            await street.WaitForTimeoutAsync(500);
        }

        await Expect(closed).ToHaveTextAsync("1");
        await Expect(street.Locator(".card[data-count=raised] .value")).ToHaveTextAsync("1");
        await Expect(street.Locator(".card[data-rate=satisfaction] .value")).ToHaveTextAsync("100.0%");
        await Expect(street.Locator("canvas").First).ToBeVisibleAsync();
        await street.ClickAsync("button[data-node='sc.xl.xl']");
        await Expect(street.Locator("tr[data-depth='2']").First).ToBeVisibleAsync();
        await PageWatch.AssertAccessibleAsync(street, "dashboard");
        await Screenshot(street, "console-dashboard.png");

        // Drill into the community's own figures, and back.
        await street.Locator("tr[data-depth='1']").Filter(new() { Has = street.Locator("button[data-node='sc.xl.xl']") }).Locator("button.figures").ClickAsync();
        await Expect(street.Locator("h1")).ToContainTextAsync("项里社区");
        await Expect(street.Locator(".card[data-count=raised] .value")).ToHaveTextAsync("1");
        await street.ClickAsync("#up");
        await Expect(street.Locator("h1")).ToContainTextAsync("项里街道");
        await street.SetViewportSizeAsync(Phone.Width, Phone.Height);
        await PageWatch.AssertFitsAsync(street, "the dashboard at 390px");

        // More work arrives for the worker, who reads the inbox on a phone: the urgent appeal's nearer deadline comes first.
        foreach (var (urgency, what) in new[] { ("normal", "楼道堆放杂物"), ("urgent", "燃气管道异味"), ("normal", "路灯不亮") })
        {
            await ApiAsync(HttpMethod.Post, "/api/appeals", new
            {
                channel = "hotline", category = urgency == "urgent" ? "dispute" : "service", urgency, title = $"{what}，请尽快处理", description = what,
                microGridId = "sc.xl.xl.yf.04", resident = new { name = "李红", phone = "13900002222", address = "亚芳花园 4号楼 1单元 101" },
            }, "agent");
        }

        await worker.ReloadAsync();
        await Expect(worker.Locator("article.case")).ToHaveCountAsync(3);
        await Expect(worker.Locator("article.case").First).ToContainTextAsync("燃气管道异味");
        await PageWatch.AssertFitsAsync(worker, "a full inbox at 390px");
        await Screenshot(worker, "console-inbox.png");

        foreach (var watch in new[] { agentWatch, workerWatch, coordinatorWatch, departmentWatch, auditorWatch, streetWatch })
        {
            watch.AssertClean();
        }
    }

    private async Task<(IPage Page, PageWatch Watch)> SignInAsync(IBrowser browser, string role, string? scope, ViewportSize size)
    {
        var context = await browser.NewContextAsync(new() { ViewportSize = size, Locale = "zh-CN", TimezoneId = "America/New_York" });
        var page = await context.NewPageAsync();
        var watch = new PageWatch(page);
        await page.GotoAsync($"{host.BaseUrl}/console/");
        var user = page.Locator($"button.user[data-role='{role}']");
        if (scope is not null && role != "department")
        {
            user = page.Locator($"button.user[data-role='{role}'][data-scope='{scope}']");
        }

        await user.ClickAsync();
        try
        {
            await Expect(page.Locator("#signout")).ToBeVisibleAsync();
        }
        catch (PlaywrightException)
        {
            watch.AssertClean();
            throw;
        }

        return (page, watch);
    }

    private async Task<JsonNode> ApiAsync(HttpMethod method, string path, object? body, string role, string? nodeId = null)
    {
        using var http = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };
        var token = await (await http.PostAsJsonAsync("/api/dev/tokens", new { role, nodeId })).Content.ReadFromJsonAsync<JsonNode>();
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", token!["token"]!.GetValue<string>());
        var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!;
    }

    private async Task<Guid> CaseIdAsync(string number)
    {
        var page = await ApiAsync(HttpMethod.Get, "/api/cases?pageSize=200", null, "auditor");
        var found = page["items"]!.AsArray().Where(c => c!["caseNumber"]!.GetValue<string>() == number).ToList();
        Assert.Single(found);
        return found[0]!["caseId"]!.GetValue<Guid>();
    }

    /// <summary>
    /// Gives a command from the case's card: its button, then (unless it acts at once) its fields, by name, and confirm.
    /// Waits until the card has been redrawn with the answer.
    /// </summary>
    private static async Task GiveAsync(IPage page, string number, string command, params (string Name, string Value)[] fields)
    {
        var card = page.Locator($"article[data-case='{number}']");
        var actsAtOnce = command is "accept" or "resume";
        // The answer replaces the card: marking this one tells the redrawn card from it. A command that acts at once is
        // marked before its click, or a quick answer could redraw the card first and the mark would land on the new one.
        if (actsAtOnce)
        {
            await card.EvaluateAsync("e => { e.dataset.stale = 'yes'; }");
        }

        await card.Locator($"[data-command={command}]").ClickAsync();
        if (!actsAtOnce)
        {
            await card.EvaluateAsync("e => { e.dataset.stale = 'yes'; }");
            foreach (var (name, value) in fields)
            {
                var input = card.Locator($"[name={name}]");
                if (await input.EvaluateAsync<string>("e => e.tagName") == "SELECT")
                {
                    await input.SelectOptionAsync(value);
                }
                else
                {
                    await input.FillAsync(value);
                }
            }

            await card.Locator("form.inline button[type=submit]").ClickAsync();
        }

        await Expect(page.Locator($"article[data-case='{number}']:not([data-stale]) .notice")).ToBeVisibleAsync();
    }

    private async Task<int> EventCountAsync(Guid caseId) =>
        (await ApiAsync(HttpMethod.Get, $"/api/cases/{caseId}/history", null, "auditor"))["events"]!.AsArray().Count;

    /// <summary>The README's pictures, taken only when asked (CASES_SCREENSHOTS=1), so that CI never rewrites them.</summary>
    private static async Task Screenshot(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("CASES_SCREENSHOTS") != "1")
        {
            return;
        }

        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Cases.sln")))
        {
            root = root.Parent;
        }

        await page.ScreenshotAsync(new() { Path = Path.Combine(root!.FullName, "docs", name), FullPage = true });
    }

    [GeneratedRegex(@"^SC-\d{8}-\d{6}$")]
    private static partial Regex CaseNumber();
}
