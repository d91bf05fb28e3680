using System.Security.Cryptography;
using Gemma4.AI.Native;
using LLama.Native;
using Microsoft.Extensions.Logging;

namespace Gemma4.AI.Engine;

/// <summary>
/// Sequence states saved to disk for long prompt prefixes (a document, a big system prompt with tools), keyed by the
/// model and the tokens, so a later process restores them instead of decoding again. Used by the decode thread;
/// files are written in the background.
/// </summary>
/// <remarks>
/// A prompt is saved when its prefill decoded at least <c>MinTokens</c> new tokens. A new request restores the entry
/// sharing the longest prefix with its prompt when that beats what the in-memory cache offers by <c>MinTokens</c>.
/// Entries that are truncated or fail their checksum are deleted with a warning; entries of another model or KV settings
/// are skipped and kept (models may share a folder, and file names include the fingerprint); neither reaches llama.cpp.
/// The least recently used of this model's entries go when they outgrow its byte budget.
/// </remarks>
internal sealed partial class PersistentPrefixCache
{
    private readonly string _directory;
    private readonly byte[] _fingerprint;
    private readonly long _maxBytes;
    private readonly ILogger _logger;
    private readonly List<PrefixCacheEntry> _entries = [];
    private readonly Lock _gate = new();

    public PersistentPrefixCache(string directory, byte[] fingerprint, int minTokens, long maxBytes, ILogger logger)
    {
        _directory = Directory.CreateDirectory(directory).FullName;
        _fingerprint = fingerprint;
        MinTokens = minTokens;
        _maxBytes = maxBytes;
        _logger = logger;
        foreach (var file in Directory.EnumerateFiles(_directory, "*" + PrefixCacheFile.Extension))
        {
            TryIndex(file);
        }
    }

    public int MinTokens { get; }

    /// <summary>
    /// The fingerprint of a model file and the context settings a saved state depends on: the GGUF header, the first
    /// and last MiB of the file (weights), the KV cache types and sliding-window mode, and the native library version.
    /// </summary>
    public static byte[] Fingerprint(string modelPath, long headerLength, string settings)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var file = new FileStream(modelPath, FileMode.Open, FileAccess.Read, FileShare.Read);
        hash.AppendData(BitConverter.GetBytes(file.Length));
        var buffer = new byte[1 << 20];
        foreach (var (start, length) in new[] { (0L, Math.Min(file.Length, Math.Max(headerLength, buffer.Length))), (Math.Max(0, file.Length - buffer.Length), Math.Min(file.Length, buffer.Length)) })
        {
            file.Position = start;
            var remaining = length;
            while (remaining > 0)
            {
                var n = file.Read(buffer, 0, (int)Math.Min(buffer.Length, remaining));
                if (n == 0)
                {
                    break;
                }

                hash.AppendData(buffer, 0, n);
                remaining -= n;
            }
        }

        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(settings + "|" + typeof(NativeApi).Assembly.GetName().Version));
        return hash.GetHashAndReset();
    }

    /// <summary>The entry sharing the longest prefix with the prompt (at most its length - 1), or null.</summary>
    public (PrefixCacheEntry Entry, int Length)? FindLongest(ReadOnlySpan<int> prompt)
    {
        lock (_gate)
        {
            (PrefixCacheEntry, int)? best = null;
            foreach (var entry in _entries)
            {
                var common = Math.Min(entry.Tokens.AsSpan().CommonPrefixLength(prompt), prompt.Length - 1);
                if (common >= MinTokens && (best is null || common > best.Value.Item2))
                {
                    best = (entry, common);
                }
            }

            return best;
        }
    }

    /// <summary>Whether an entry with exactly these tokens exists.</summary>
    public bool Contains(ReadOnlySpan<int> tokens)
    {
        lock (_gate)
        {
            foreach (var entry in _entries)
            {
                if (entry.Tokens.AsSpan().SequenceEqual(tokens))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// Loads an entry's state into a (cleared) sequence; false, with a warning, if the file is not usable (it is
    /// deleted) or llama.cpp refuses the state (it is kept; the caller clears what was loaded).
    /// </summary>
    public unsafe bool TryRestore(PrefixCacheEntry entry, SafeLLamaContextHandle context, int sequence)
    {
        byte[]? state;
        string? problem;
        var belongsElsewhere = false;
        try
        {
            state = PrefixCacheFile.ReadState(entry, _fingerprint, out problem, out belongsElsewhere);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or OverflowException)
        {
            state = null;
            problem = ex.Message;
        }

        if (state is null)
        {
            if (belongsElsewhere)
            {
                Log.Skipped(_logger, entry.Path, problem!);
            }
            else
            {
                Log.Rejected(_logger, entry.Path, problem ?? "unreadable");
            }

            Forget(entry, delete: !belongsElsewhere);
            return false;
        }

        fixed (byte* p = state)
        {
            if (LlamaNative.StateSeqSetData(context, p, (nuint)state.Length, sequence) != 0)
            {
                entry.LastUsed = DateTime.UtcNow;
                Log.Restored(_logger, entry.Tokens.Length, state.Length, entry.Path);
                return true;
            }
        }

        // The file passed every check: llama.cpp refuses a good state when the context has no free cells for it, so
        // the entry stays for a later request.
        Log.Refused(_logger, entry.Path);
        return false;
    }

    /// <summary>Copies a sequence's state now (on the decode thread) and writes it to disk in the background.</summary>
    public unsafe void Save(int[] tokens, SafeLLamaContextHandle context, int sequence)
    {
        var size = LlamaNative.StateSeqGetSize(context, sequence);
        if (size == 0 || size > (nuint)Array.MaxLength || (long)size > _maxBytes)
        {
            Log.TooLarge(_logger, tokens.Length, (long)size);
            return;
        }

        var state = GC.AllocateUninitializedArray<byte>((int)size);
        fixed (byte* p = state)
        {
            if (LlamaNative.StateSeqGetData(context, p, size, sequence) != size)
            {
                return;
            }
        }

        var path = Path.Combine(_directory, PrefixCacheFile.FileName(_fingerprint, tokens));
        _ = Task.Run(() =>
        {
            try
            {
                PrefixCacheFile.Write(path, _fingerprint, tokens, state);
                lock (_gate)
                {
                    _entries.RemoveAll(e => e.Path == path);
                    _entries.Add(new PrefixCacheEntry(path, tokens, state.Length));
                }

                Log.Saved(_logger, tokens.Length, state.Length, path);
                Evict();
            }
            catch (IOException ex)
            {
                Log.SaveFailed(_logger, path, ex);
            }
            catch (UnauthorizedAccessException ex)
            {
                Log.SaveFailed(_logger, path, ex);
            }
        });
    }

    private void TryIndex(string file)
    {
        try
        {
            if (PrefixCacheFile.ReadHeader(file, _fingerprint, out var problem, out var belongsElsewhere) is { } entry)
            {
                _entries.Add(entry);
                return;
            }

            if (belongsElsewhere)
            {
                Log.Skipped(_logger, file, problem!); // models may share a folder: it is its own model's to keep or evict
                return;
            }

            Log.Rejected(_logger, file, problem!);
            File.Delete(file);
        }
        catch (IOException ex)
        {
            Log.Rejected(_logger, file, ex.Message);
        }
        catch (UnauthorizedAccessException ex)
        {
            Log.Rejected(_logger, file, ex.Message);
        }
    }

    private void Evict()
    {
        lock (_gate)
        {
            var total = _entries.Sum(e => PrefixCacheFile.HeaderLength(e.Tokens.Length) + e.DataLength);
            foreach (var entry in _entries.OrderBy(e => e.LastUsed).ToList())
            {
                if (total <= _maxBytes)
                {
                    break;
                }

                total -= PrefixCacheFile.HeaderLength(entry.Tokens.Length) + entry.DataLength;
                Forget(entry, delete: true);
            }
        }
    }

    private void Forget(PrefixCacheEntry entry, bool delete)
    {
        lock (_gate)
        {
            _entries.Remove(entry);
        }

        if (delete)
        {
            try
            {
                File.Delete(entry.Path);
            }
            catch (IOException)
            {
                // Another process may hold it; it is out of the index either way.
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Information, "Prefix cache: restored {Tokens} tokens ({Bytes} bytes) from {Path}.")]
        public static partial void Restored(ILogger logger, int tokens, long bytes, string path);

        [LoggerMessage(21, LogLevel.Information, "Prefix cache: saved {Tokens} tokens ({Bytes} bytes) to {Path}.")]
        public static partial void Saved(ILogger logger, int tokens, long bytes, string path);

        [LoggerMessage(22, LogLevel.Warning, "Prefix cache: ignored and deleted {Path}: {Problem}.")]
        public static partial void Rejected(ILogger logger, string path, string problem);

        [LoggerMessage(23, LogLevel.Warning, "Prefix cache: could not write {Path}.")]
        public static partial void SaveFailed(ILogger logger, string path, Exception exception);

        [LoggerMessage(24, LogLevel.Debug, "Prefix cache: a state of {Tokens} tokens ({Bytes} bytes) is too large to save.")]
        public static partial void TooLarge(ILogger logger, int tokens, long bytes);

        [LoggerMessage(25, LogLevel.Warning, "Prefix cache: llama.cpp could not load {Path} into the context (no free cells?); the file is kept.")]
        public static partial void Refused(ILogger logger, string path);

        [LoggerMessage(26, LogLevel.Debug, "Prefix cache: skipped {Path}: {Problem}.")]
        public static partial void Skipped(ILogger logger, string path, string problem);
    }
}
