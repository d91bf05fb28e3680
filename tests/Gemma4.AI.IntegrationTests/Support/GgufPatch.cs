namespace Gemma4.AI.IntegrationTests.Support;

/// <summary>Byte-level edits of GGUF files, for making broken ones.</summary>
internal static class GgufPatch
{
    /// <summary>Rewrites one tensor-info entry's data offset: [u64 name length][name][u32 dims][u64 × dims][u32 type][u64 offset].</summary>
    public static void SetTensorOffset(byte[] file, string tensor, long offset)
    {
        var name = System.Text.Encoding.UTF8.GetBytes(tensor);
        var entry = new byte[8 + name.Length];
        BitConverter.TryWriteBytes(entry, (ulong)name.Length);
        name.CopyTo(entry, 8);
        var at = file.AsSpan().IndexOf(entry);
        Assert.True(at >= 0, $"tensor entry '{tensor}' not found");
        var position = at + entry.Length;
        var dims = BitConverter.ToUInt32(file, position);
        position += 4 + (8 * (int)dims) + 4;
        BitConverter.TryWriteBytes(file.AsSpan(position, 8), (ulong)offset);
    }
}
