using System.Buffers.Binary;

namespace ContactSync.Sandbox.Google.Store;

/// <summary>
/// A list page token: where the previous page stopped (<paramref name="AfterSeq"/>), the sequence number the
/// whole listing started from (<paramref name="BaseSeq"/>, so the closing sync token covers changes made while
/// paging), whether it is an incremental listing, and the account it belongs to.
/// </summary>
public readonly record struct PageToken(bool Incremental, long BaseSeq, long AfterSeq, long Account)
{
    public string Encode()
    {
        Span<byte> bytes = stackalloc byte[25];
        bytes[0] = Incremental ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt64LittleEndian(bytes[1..], BaseSeq);
        BinaryPrimitives.WriteInt64LittleEndian(bytes[9..], AfterSeq);
        BinaryPrimitives.WriteInt64LittleEndian(bytes[17..], Account);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static PageToken? Decode(string token)
    {
        var base64 = token.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
        Span<byte> bytes = stackalloc byte[33];
        if (!Convert.TryFromBase64String(base64, bytes, out var written) || written != 25 || bytes[0] > 1) return null;
        return new PageToken(bytes[0] == 1, BinaryPrimitives.ReadInt64LittleEndian(bytes[1..]),
            BinaryPrimitives.ReadInt64LittleEndian(bytes[9..]), BinaryPrimitives.ReadInt64LittleEndian(bytes[17..]));
    }
}
