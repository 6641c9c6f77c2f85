using System.Security.Cryptography;

namespace ContactSync.Sandbox.Graph.Store;

/// <summary>Opaque identifiers shaped like Exchange's: long, case-sensitive and URL-safe.</summary>
public static class GraphIds
{
    public static string NewItemId() => "AAMkAD" + Random(33);

    public static string NewFolderId() => "AAMkAF" + Random(30);

    public static string NewChangeKey() => "EQAAABYAAA" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(15));

    public static string NewToken(int bytes = 32) => Random(bytes);

    private static string Random(int bytes) =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
