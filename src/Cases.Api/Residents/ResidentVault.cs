using System.Security.Cryptography;
using System.Text;
using Cases.Domain;
using Cases.Projections.Cases;
using Marten;

namespace Cases.Api.Residents;

/// <summary>
/// One resident's key. Their contact is stored only sealed with it, in the events and in the read model, so
/// deleting this document (an erasure) leaves ciphertext that nothing can open, without rewriting any event row.
/// </summary>
/// <param name="Lookup">A keyed hash of the resident's phone, so an erasure request can find the key; deleted with it.</param>
public sealed record ResidentKey(Guid Id, string Lookup, byte[] Key);

/// <summary>
/// Crypto-shredding of residents' contacts: AES-GCM with a key per resident (per phone), each field sealed apart.
/// A sealed field reads <c>sealed:v1:{keyId}:{base64(nonce|ciphertext|tag)}</c>; the key id is random, so nothing in
/// an event leads back to the phone once the key and its lookup are gone.
/// </summary>
public static class ResidentVault
{
    private const string Prefix = "sealed:v1:";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    // The lookup needs to be unguessable only while the key it points to lives, and both are deleted together, so
    // a fixed application key suffices: what it protects after an erasure is nothing, by design.
    private static readonly byte[] LookupKey = SHA256.HashData("cases/resident-lookup/v1"u8);

    /// <summary>The phone as the lookup knows it: its digits, whatever the spacing and punctuation it was written with.</summary>
    public static string Lookup(string phone)
    {
        var digits = new StringBuilder(phone.Length);
        foreach (var c in phone)
        {
            if (char.IsAsciiDigit(c))
            {
                digits.Append(c);
            }
        }

        return Convert.ToHexStringLower(HMACSHA256.HashData(LookupKey, Encoding.UTF8.GetBytes(digits.ToString())));
    }

    /// <summary>Seals a contact with its resident's key, creating the key in this unit of work on their first appeal.</summary>
    public static async Task<Resident> SealAsync(IDocumentSession session, Resident contact, CancellationToken cancellationToken)
    {
        var lookup = Lookup(contact.Phone);
        var key = await session.Query<ResidentKey>().FirstOrDefaultAsync(k => k.Lookup == lookup, cancellationToken);
        if (key is null)
        {
            key = new ResidentKey(Guid.NewGuid(), lookup, RandomNumberGenerator.GetBytes(32));
            session.Store(key);
        }

        return new Resident(Seal(key, "name", contact.Name), Seal(key, "phone", contact.Phone), contact.Address is null ? null : Seal(key, "address", contact.Address));
    }

    /// <summary>The key id a sealed contact was sealed with; null for a contact stored in the clear (older demo data).</summary>
    public static Guid? KeyIdOf(Resident contact) =>
        contact.Phone.StartsWith(Prefix, StringComparison.Ordinal) && Guid.TryParseExact(contact.Phone.AsSpan(Prefix.Length, 32), "N", out var id) ? id : null;

    /// <summary>The prefix of every field sealed with <paramref name="keyId"/>, for finding the cases that hold them.</summary>
    public static string PrefixOf(Guid keyId) => $"{Prefix}{keyId:N}:";

    /// <summary>The keys of the given contacts, fetched in one round trip.</summary>
    public static async Task<ResidentKeys> KeysAsync(IQuerySession session, IEnumerable<Resident> contacts, CancellationToken cancellationToken)
    {
        var ids = contacts.Select(KeyIdOf).OfType<Guid>().Distinct().ToArray();
        var keys = ids.Length == 0 ? [] : await session.LoadManyAsync<ResidentKey>(cancellationToken, ids);
        return new ResidentKeys(keys.ToDictionary(k => k.Id));
    }

    /// <summary>The keys of one case's contact.</summary>
    public static Task<ResidentKeys> KeysAsync(IQuerySession session, CaseRecord record, CancellationToken cancellationToken) =>
        KeysAsync(session, [record.Resident], cancellationToken);

    private static string Seal(ResidentKey key, string field, string value)
    {
        var plain = Encoding.UTF8.GetBytes(value);
        var sealedBytes = new byte[NonceSize + plain.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key.Key, TagSize);
        // The field and key id are authenticated too: a sealed name cannot be passed off as a phone, or moved to another resident.
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize, plain.Length), sealedBytes.AsSpan(NonceSize + plain.Length), Associated(key.Id, field));
        return $"{PrefixOf(key.Id)}{Convert.ToBase64String(sealedBytes)}";
    }

    internal static string? Open(IReadOnlyDictionary<Guid, ResidentKey> keys, string field, string value)
    {
        if (!value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return value;
        }

        if (!Guid.TryParseExact(value.AsSpan(Prefix.Length, 32), "N", out var id) || !keys.TryGetValue(id, out var key))
        {
            return null;
        }

        var sealedBytes = Convert.FromBase64String(value[(Prefix.Length + 33)..]);
        var plain = new byte[sealedBytes.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key.Key, TagSize);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, plain.Length), sealedBytes.AsSpan(NonceSize + plain.Length), plain, Associated(id, field));
        return Encoding.UTF8.GetString(plain);
    }

    private static byte[] Associated(Guid keyId, string field) => Encoding.UTF8.GetBytes($"{keyId:N}/{field}");
}

/// <summary>The keys a read needs, loaded once; opens contacts, or says they were erased.</summary>
public sealed class ResidentKeys(IReadOnlyDictionary<Guid, ResidentKey> keys)
{
    /// <summary>The contact in the clear, or null when its key was erased.</summary>
    public Resident? Open(Resident contact) =>
        ResidentVault.Open(keys, "name", contact.Name) is { } name && ResidentVault.Open(keys, "phone", contact.Phone) is { } phone
            ? new Resident(name, phone, contact.Address is null ? null : ResidentVault.Open(keys, "address", contact.Address))
            : null;

    /// <summary>A case's contact in the clear, or null once the resident was erased.</summary>
    public Resident? Open(CaseRecord record) => record.ResidentErased ? null : Open(record.Resident);
}
