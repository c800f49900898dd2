using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.LoadBalancing;

namespace Cases.Cluster;

/// <summary>
/// A YARP reverse proxy in front of the nodes: round robin over the nodes whose <c>/health/ready</c> answers, probed every
/// second, and a node that refuses connections is taken out at once (passive health) until a probe finds it again.
/// </summary>
public sealed class ClusterProxy : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ClusterProxy(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    public static async Task<ClusterProxy> StartAsync(int port, IEnumerable<NodeProcess> nodes)
    {
        var url = $"http://127.0.0.1:{port}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        // Quiet: what the proxy met shows in the clients' answers (502/503) and in the nodes' logs.
        builder.Logging.ClearProviders();
        builder.Services.AddReverseProxy().LoadFromMemory(
            [new RouteConfig { RouteId = "cases", ClusterId = "nodes", Match = new RouteMatch { Path = "{**catch-all}" } }],
            [new ClusterConfig
            {
                ClusterId = "nodes",
                LoadBalancingPolicy = LoadBalancingPolicies.RoundRobin,
                Destinations = nodes.ToDictionary(n => n.Name, n => new DestinationConfig { Address = n.Url }),
                HealthCheck = new HealthCheckConfig
                {
                    Active = new ActiveHealthCheckConfig
                    {
                        Enabled = true,
                        Interval = TimeSpan.FromSeconds(1),
                        Timeout = TimeSpan.FromSeconds(2),
                        Policy = "ConsecutiveFailures",
                        Path = "/health/ready",
                    },
                    Passive = new PassiveHealthCheckConfig { Enabled = true, Policy = "TransportFailureRate", ReactivationPeriod = TimeSpan.FromSeconds(3) },
                    AvailableDestinationsPolicy = "HealthyOrPanic",
                },
                HttpRequest = new Yarp.ReverseProxy.Forwarder.ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromSeconds(30) },
            }]);
        var app = builder.Build();
        app.Use(async (http, next) =>
        {
            // YARP's own 502/503 (no node reachable) says nothing about when to come back; the nodes' 503 already does.
            http.Response.OnStarting(() =>
            {
                if (http.Response.StatusCode is StatusCodes.Status502BadGateway or StatusCodes.Status503ServiceUnavailable
                    && !http.Response.Headers.ContainsKey("Retry-After"))
                {
                    http.Response.Headers.RetryAfter = "1";
                }

                return Task.CompletedTask;
            });
            await next(http);
        });
        app.MapReverseProxy();
        await app.StartAsync();
        return new ClusterProxy(app, url);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
