using System.Security.Cryptography;
using System.Text;

namespace Cases.SampleReceiver;

/// <summary>Checks <c>X-Cases-Signature: sha256=&lt;hex&gt;</c>: the HMAC-SHA256 of the raw body bytes, keyed with the subscription's secret.</summary>
public static class WebhookVerifier
{
    public static bool Verify(ReadOnlySpan<byte> rawBody, string? signatureHeader, string secret)
    {
        const string prefix = "sha256=";
        if (signatureHeader is null || !signatureHeader.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        byte[] claimed;
        try
        {
            claimed = Convert.FromHexString(signatureHeader.AsSpan(prefix.Length));
        }
        catch (FormatException)
        {
            return false;
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), rawBody);

        // Constant time, so that the comparison does not tell an attacker how much of a guess was right.
        return CryptographicOperations.FixedTimeEquals(expected, claimed);
    }
}
