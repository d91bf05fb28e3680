namespace Gemma4.AI;

/// <summary>How far a download has come.</summary>
/// <param name="FileName">The file being downloaded.</param>
/// <param name="BytesReceived">Bytes on disk so far, including any resumed from an earlier, interrupted download.</param>
/// <param name="TotalBytes">The file's size, when the server tells it.</param>
/// <param name="ResumedBytes">Bytes that were already on disk from an earlier download when this one started.</param>
public readonly record struct Gemma4DownloadProgress(string FileName, long BytesReceived, long? TotalBytes, long ResumedBytes)
{
    /// <summary>The fraction done, from 0 to 1, when the size is known.</summary>
    public double? Fraction => TotalBytes is > 0 and var total ? Math.Clamp((double)BytesReceived / total, 0, 1) : null;
}
