using System.Security.Cryptography;

namespace ContactSync.Sandbox.Graph.Store;

/// <summary>Opaque identifiers shaped like Exchange's: long, case-sensitive and URL-safe. Ids never change when a
/// contact moves here, i.e. they behave as with <c>Prefer: IdType="ImmutableId"</c>, which is accepted and needs
/// no switch.</summary>
public static class GraphIds
{
    public static string NewItemId() => "AAMkAD" + Random(33);

    public static string NewFolderId() => "AAMkAF" + Random(30);

    public static string NewChangeKey() => "EQAAABYAAA" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(15));

    public static string NewToken(int bytes = 32) => Random(bytes);

    private static string Random(int bytes) =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
