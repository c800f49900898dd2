using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Cases.Api.Delivery;

/// <summary>A callback the guard will not call: not HTTP(S), the service itself, or a private address not allowed here.</summary>
public sealed class CallbackRefusedException(string message) : Exception(message);

/// <summary>
/// Keeps webhooks from being turned against the service or its network (request forgery). A callback URL is checked
/// when it is registered, and again on every connection, against the addresses its name resolves to then, so a
/// name that later resolves somewhere private is still refused. Redirects are not followed.
/// </summary>
public sealed class CallbackGuard(DeliveryOptions options, CasesOptions cases, IServiceProvider services)
{
    public bool AllowsPrivateAddresses => options.AllowPrivateAddresses ?? cases.Demo;

    /// <summary>Why the URL may not be a callback, or null when it may.</summary>
    public async Task<string?> RefusalAsync(string callbackUrl, string? requestHost, CancellationToken ct)
    {
        if (!Uri.TryCreate(callbackUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return "The callback must be an absolute http or https URL.";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "The callback URL may not carry credentials; the signature authenticates the deliveries.";
        }

        if (requestHost is not null && string.Equals(uri.Authority, requestHost, StringComparison.OrdinalIgnoreCase))
        {
            return "The callback points at this service itself.";
        }

        IPAddress[] addresses;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            addresses = IPAddress.TryParse(uri.Host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(uri.DnsSafeHost, timeout.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return $"The callback's host '{uri.Host}' does not resolve.";
        }

        return addresses.Length == 0 ? $"The callback's host '{uri.Host}' does not resolve."
            : addresses.Select(a => Refusal(a, uri.Port)).FirstOrDefault(r => r is not null);
    }

    /// <summary>An HTTP client whose every connection goes through the same checks, and that follows no redirect.</summary>
    public HttpClient CreateClient(TimeSpan timeout) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        ConnectTimeout = timeout,
        ConnectCallback = ConnectAsync,
    })
    {
        Timeout = timeout,
    };

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var endpoint = context.DnsEndPoint;
        var addresses = IPAddress.TryParse(endpoint.Host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(endpoint.Host, ct);
        var allowed = addresses.Where(a => Refusal(a, endpoint.Port) is null).ToArray();
        if (allowed.Length == 0)
        {
            throw new CallbackRefusedException(addresses.Length == 0 ? $"'{endpoint.Host}' does not resolve." : Refusal(addresses[0], endpoint.Port)!);
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endpoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private string? Refusal(IPAddress address, int port)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if ((IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)) && OwnPorts().Contains(port))
        {
            return "The callback points at this service itself.";
        }

        return IsPrivate(address) && !AllowsPrivateAddresses
            ? $"The callback resolves to {address}, a private, loopback or link-local address; set Cases:Delivery:AllowPrivateAddresses to allow it."
            : null;
    }

    private HashSet<int> OwnPorts()
    {
        var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        return [.. addresses.Select(a => Uri.TryCreate(a.Replace("*", "localhost", StringComparison.Ordinal).Replace("+", "localhost", StringComparison.Ordinal), UriKind.Absolute, out var u) ? u.Port : -1)];
    }

    public static bool IsPrivate(IPAddress address)
    {
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var first = address.GetAddressBytes()[0];
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || (first & 0xFE) == 0xFC;
        }

        var b = address.GetAddressBytes();
        return b[0] switch
        {
            0 or 10 or 127 => true,
            100 => b[1] is >= 64 and < 128,
            169 => b[1] == 254,
            172 => b[1] is >= 16 and < 32,
            192 => b[1] == 168,
            >= 224 => true,
            _ => false,
        };
    }
}
