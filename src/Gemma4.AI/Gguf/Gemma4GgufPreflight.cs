using System.Globalization;

namespace Gemma4.AI.Gguf;

/// <summary>
/// Checks a model file in managed code before llama.cpp sees it. llama.cpp aborts the whole process on some bad
/// files (missing <c>gemma4.rope.dimension_count_swa</c> or <c>tokenizer.ggml.bos_token_id</c>, a gemma-embedding
/// file with a bool-array sliding pattern) and reports others only as a null handle; here every such problem
/// becomes a <see cref="Gemma4ModelLoadException"/> that names the file and the problem.
/// </summary>
internal static class Gemma4GgufPreflight
{
    private const string WouldAbort = "llama.cpp would abort on it";
    private const string CannotLoad = "llama.cpp cannot load the model without it";

    /// <summary>The architectures this library runs.</summary>
    public static IReadOnlyList<string> SupportedArchitectures { get; } =
        [Gemma4ModelInfo.Gemma4Architecture, Gemma4ModelInfo.EmbeddingArchitecture];

    /// <summary>Reads the header of <paramref name="path"/> and checks it; returns what later code needs.</summary>
    /// <exception cref="Gemma4ModelLoadException">The file is missing, unreadable or would not load (or would abort).</exception>
    public static Gemma4ModelInfo Validate(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            throw new Gemma4ModelLoadException(path, "is a directory, not a GGUF model file");
        }

        if (!File.Exists(path))
        {
            throw new Gemma4ModelLoadException(path, "model file not found");
        }

        GgufFile file;
        try
        {
            file = GgufReader.Read(path);
        }
        catch (GgufFormatException e)
        {
            throw new Gemma4ModelLoadException(path, e.Message, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Gemma4ModelLoadException(path, "cannot read the model file: " + e.Message, e);
        }

        return Validate(file, path);
    }

    /// <summary>Checks an already read header.</summary>
    /// <exception cref="Gemma4ModelLoadException">The file would not load (or would abort).</exception>
    public static Gemma4ModelInfo Validate(GgufFile file, string path)
    {
        ArgumentNullException.ThrowIfNull(file);
        var check = new Checker(file);
        var info = check.Run(path);
        if (check.Problems.Count > 0)
        {
            var problem = check.Problems.Count == 1
                ? check.Problems[0]
                : $"{check.Problems.Count} problems: {string.Join("; ", check.Problems)}";
            throw new Gemma4ModelLoadException(path, problem);
        }

        return info!;
    }

    /// <summary>
    /// Checks every tensor's type, alignment and extent in any GGUF file (a projector's too), adding what is wrong to
    /// <paramref name="problems"/>; returns the total tensor bytes.
    /// </summary>
    internal static long CheckTensorData(GgufFile file, List<string> problems)
    {
        var check = new Checker(file);
        var total = check.CheckTensorData();
        problems.AddRange(check.Problems);
        return total;
    }

    private sealed class Checker(GgufFile file)
    {
        private string _arch = string.Empty;

        public List<string> Problems { get; } = [];

        public Gemma4ModelInfo? Run(string path)
        {
            var arch = file.Get("general.architecture");
            if (arch is null)
            {
                Problems.Add("required GGUF key 'general.architecture' is missing; " + CannotLoad);
                return null;
            }

            if (arch.AsString() is not { } archName)
            {
                Problems.Add($"GGUF key 'general.architecture' has type {arch.Type}, expected a string");
                return null;
            }

            if (!SupportedArchitectures.Contains(archName, StringComparer.Ordinal))
            {
                Problems.Add($"unsupported model architecture '{archName}'; Gemma4.AI runs "
                    + string.Join(" and ", SupportedArchitectures.Select(a => $"'{a}'")) + " models");
                return null;
            }

            _arch = archName;
            var embedding = archName == Gemma4ModelInfo.EmbeddingArchitecture;
            var tensorBytes = CheckTensorData();

            var contextLength = RequireInt("context_length");
            var embeddingLength = RequireInt("embedding_length");
            var blockCount = RequireInt("block_count", min: 1, max: 512);
            RequireIntOrArray("feed_forward_length", blockCount);
            var headCount = RequireIntOrArray("attention.head_count", blockCount);
            var headCountKv = RequireIntOrArray("attention.head_count_kv", blockCount);
            // gemma-embedding falls back to embedding_length / head_count; gemma4 needs them.
            var keyLength = embedding && file.Get(Key("attention.key_length")) is null
                ? (headCount is [> 0 and var heads, ..] ? embeddingLength / heads : null)
                : RequireInt("attention.key_length");
            var valueLength = embedding && file.Get(Key("attention.value_length")) is null
                ? keyLength
                : RequireInt("attention.value_length");
            var slidingWindow = RequireInt("attention.sliding_window");
            RequireFloat("attention.layer_norm_rms_epsilon", nonNegative: true);
            CheckRopeDimensions("rope.dimension_count", "attention.key_length", keyLength);
            int? keyLengthSwa = keyLength;
            int? perLayer = 0;
            int? pooling = null;
            IReadOnlyList<bool>? pattern;
            if (embedding)
            {
                pattern = RequireSlidingPeriod(blockCount);
                pooling = OptionalInt(Key("pooling_type"));
            }
            else
            {
                keyLengthSwa = RequireInt("attention.key_length_swa");
                var valueLengthSwa = RequireInt("attention.value_length_swa");
                pattern = RequireSlidingBools(blockCount);
                perLayer = RequireInt("embedding_length_per_layer_input", min: 0);
                RequireInt("rope.dimension_count_swa", min: 0, consequence: WouldAbort);
                CheckRopeDimensions("rope.dimension_count_swa", "attention.key_length_swa", keyLengthSwa);
                if (keyLengthSwa is { } ks && valueLengthSwa is { } vs && ks != vs)
                {
                    Problems.Add($"'{Key("attention.key_length_swa")}' ({ks}) and '{Key("attention.value_length_swa")}' ({vs}) differ; llama.cpp's gemma4 graph needs equal head dimensions");
                }
            }

            if (keyLength is { } k && valueLength is { } v && k != v)
            {
                Problems.Add($"'{Key("attention.key_length")}' ({k}) and '{Key("attention.value_length")}' ({v}) differ; llama.cpp's Gemma graph needs equal head dimensions");
            }

            var sharedKv = OptionalInt(Key("attention.shared_kv_layers")) ?? 0;
            if (!embedding)
            {
                CheckSharedKv(sharedKv, blockCount, pattern);
            }

            var vocab = CheckTokenizer();
            CheckEmbeddingTensor(embeddingLength, vocab?.Size);

            if (Problems.Count > 0)
            {
                return null;
            }

            var fileType = file.GetInt64("general.file_type") is { } ft and >= 0 and <= uint.MaxValue ? (uint?)ft : null;
            return new Gemma4ModelInfo
            {
                FilePath = path,
                FileLength = file.FileLength,
                Architecture = archName,
                Name = file.GetString("general.name"),
                ContextLength = contextLength!.Value,
                EmbeddingLength = embeddingLength!.Value,
                BlockCount = blockCount!.Value,
                HeadCount = headCount!,
                HeadCountKv = headCountKv!,
                KeyLength = keyLength!.Value,
                KeyLengthSwa = keyLengthSwa!.Value,
                SlidingWindow = slidingWindow!.Value,
                SlidingWindowPattern = pattern!,
                EmbeddingLengthPerLayer = perLayer ?? 0,
                SharedKvLayers = sharedKv,
                VocabSize = vocab!.Value.Size,
                BosTokenId = vocab.Value.Bos,
                EosTokenId = OptionalInt("tokenizer.ggml.eos_token_id"),
                PadTokenId = OptionalInt("tokenizer.ggml.padding_token_id"),
                ChatTemplate = file.GetString("tokenizer.chat_template"),
                FileType = fileType,
                Quantization = (fileType is { } t ? LlamaFileType.Name(t) : null) ?? PredominantType(),
                TensorBytes = tensorBytes,
                PoolingType = pooling,
            };
        }

        private string Key(string suffix) => _arch + "." + suffix;

        /// <summary>Checks every tensor's type, alignment and extent; returns the total tensor bytes.</summary>
        public long CheckTensorData()
        {
            long total = 0;
            GgufTensorInfo? pastEnd = null;
            long end = file.DataOffset;
            foreach (var t in file.Tensors)
            {
                if (!GgmlTypeInfo.TryGetLayout(t.Type, out var blockElements, out _))
                {
                    Problems.Add($"tensor '{t.Name}' has an unknown ggml type {(uint)t.Type}");
                    continue;
                }

                if (t.ByteSize is not { } size)
                {
                    Problems.Add($"tensor '{t.Name}' has {(t.Dimensions.Count > 0 ? t.Dimensions[0] : 0)} elements per row, not a multiple of the {blockElements}-element {GgmlTypeInfo.Name(t.Type)} block");
                    continue;
                }

                if (t.Offset % file.Alignment != 0)
                {
                    Problems.Add($"tensor '{t.Name}' data offset {t.Offset} is not aligned to {file.Alignment} bytes");
                }

                total += size;

                var tensorEnd = file.DataOffset + t.Offset + size;
                if (tensorEnd > end)
                {
                    end = tensorEnd;
                    if (tensorEnd > file.FileLength)
                    {
                        pastEnd = t;
                    }
                }
            }

            if (TensorOverlap.Describe(file.Tensors) is { } overlap)
            {
                Problems.Add(overlap);
            }

            if (pastEnd is not null)
            {
                Problems.Add(string.Format(
                    CultureInfo.InvariantCulture,
                    "the file is truncated: its tensor data needs {0:N0} bytes but the file has {1:N0} (tensor '{2}' ends past the end of the file)",
                    end,
                    file.FileLength,
                    pastEnd.Name));
            }

            return total;
        }

        /// <summary>
        /// The last <paramref name="shared"/> layers reuse the KV cache of layer L-2 (sliding) or L-1 (global), L being the
        /// first shared layer; llama.cpp asserts when that layer is of the other kind.
        /// </summary>
        private void CheckSharedKv(int shared, int? blockCount, IReadOnlyList<bool>? pattern)
        {
            if (shared <= 0 || blockCount is not { } blocks || pattern is null)
            {
                return;
            }

            var key = Key("attention.shared_kv_layers");
            if (shared >= blocks)
            {
                Problems.Add($"GGUF key '{key}' is {shared} but the model has only {blocks} layers");
                return;
            }

            var first = blocks - shared;
            var sharedSliding = Enumerable.Range(first, shared).Any(il => pattern[il]);
            var sharedGlobal = Enumerable.Range(first, shared).Any(il => !pattern[il]);
            if (sharedSliding && (first < 2 || !pattern[first - 2]))
            {
                Problems.Add($"GGUF key '{key}' is {shared}: the shared sliding-window layers would reuse the KV cache of layer {first - 2}, which is not a sliding-window layer; {WouldAbort}");
            }

            if (sharedGlobal && (first < 1 || pattern[first - 1]))
            {
                Problems.Add($"GGUF key '{key}' is {shared}: the shared global layers would reuse the KV cache of layer {first - 1}, which is not a global layer; {WouldAbort}");
            }
        }

        private int? RequireInt(string suffix, long min = 1, long max = int.MaxValue, string consequence = CannotLoad) =>
            RequireIntKey(Key(suffix), min, max, consequence);

        private int? RequireIntKey(string key, long min, long max, string consequence)
        {
            var value = file.Get(key);
            if (value is null)
            {
                Problems.Add($"required GGUF key '{key}' is missing; {consequence}");
                return null;
            }

            if (value.Value is not uint u)
            {
                Problems.Add($"GGUF key '{key}' has type {Describe(value)}; llama.cpp requires a uint32");
                return null;
            }

            var n = (long)u;
            if (n < min || n > max)
            {
                Problems.Add($"GGUF key '{key}' is {n}, outside the valid range {min}..{max}");
                return null;
            }

            return (int)n;
        }

        private int? OptionalInt(string key) =>
            file.Get(key) is { } v && v.TryGetInt64(out var n) && n is >= int.MinValue and <= int.MaxValue ? (int)n : null;

        private void RequireFloat(string suffix, bool nonNegative = false)
        {
            var key = Key(suffix);
            var value = file.Get(key);
            if (value is null)
            {
                Problems.Add($"required GGUF key '{key}' is missing; {CannotLoad}");
            }
            else if (value.Type != GgufValueType.Float32)
            {
                Problems.Add($"GGUF key '{key}' has type {Describe(value)}; llama.cpp requires a float32");
            }
            else if (nonNegative && value.TryGetDouble(out var number) && !(double.IsFinite(number) && number >= 0))
            {
                // The RMS norm asserts eps >= 0 at the first decode (NaN fails it too).
                Problems.Add(string.Create(CultureInfo.InvariantCulture, $"GGUF key '{key}' is {number}, not a finite number >= 0; {WouldAbort}"));
            }
        }

        // ggml's rope asserts that it rotates an even number of dimensions, and no more than a head has.
        private void CheckRopeDimensions(string ropeSuffix, string headSuffix, int? headSize)
        {
            if (OptionalInt(Key(ropeSuffix)) is not { } rope)
            {
                return;
            }

            if (rope % 2 != 0)
            {
                Problems.Add($"GGUF key '{Key(ropeSuffix)}' is {rope}, an odd number of rotated dimensions; {WouldAbort}");
            }
            else if (headSize is { } head && (rope > head || rope < 0))
            {
                Problems.Add($"GGUF key '{Key(ropeSuffix)}' is {rope}, but heads have {head} dimensions ('{Key(headSuffix)}'); {WouldAbort}");
            }
        }

        /// <summary>A key llama.cpp reads with get_key_or_arr: one uint32 for all layers, or a uint32/int32 per layer.</summary>
        private int[]? RequireIntOrArray(string suffix, int? blockCount)
        {
            var key = Key(suffix);
            var value = file.Get(key);
            if (value is null)
            {
                Problems.Add($"required GGUF key '{key}' is missing; {CannotLoad}");
                return null;
            }

            if (value.Value is uint n)
            {
                if (n > int.MaxValue)
                {
                    Problems.Add($"GGUF key '{key}' is {n}, outside the valid range");
                    return null;
                }

                return blockCount is { } b ? Enumerable.Repeat((int)n, b).ToArray() : null;
            }

            var array = CheckLayerArray(key, value, blockCount, "a uint32 or a uint32 array");
            if (array is null)
            {
                return null;
            }

            var result = new int[array.Count];
            for (var i = 0; i < result.Length; i++)
            {
                if (!array.TryGetInt64(i, out var item) || item is < 0 or > int.MaxValue)
                {
                    Problems.Add($"GGUF key '{key}' entry {i} is out of range");
                    return null;
                }

                result[i] = (int)item;
            }

            return result;
        }

        /// <summary>
        /// A per-layer array as llama.cpp's get_arr reads it: uint32/int32 (or bool) elements, one per layer. It asserts
        /// (aborting the process) when a float32 array arrives for an integer key.
        /// </summary>
        private GgufArray? CheckLayerArray(string key, GgufValue value, int? blockCount, string expected, bool allowBool = false)
        {
            if (value.AsArray() is not { } array)
            {
                Problems.Add($"GGUF key '{key}' has type {Describe(value)}, expected {expected}");
                return null;
            }

            if (array.ElementType == GgufValueType.Float32)
            {
                Problems.Add($"GGUF key '{key}' is a Float32 array, expected {expected}; {WouldAbort}");
                return null;
            }

            if (array.ElementType is not (GgufValueType.UInt32 or GgufValueType.Int32)
                && !(allowBool && array.ElementType == GgufValueType.Bool))
            {
                Problems.Add($"GGUF key '{key}' has type {Describe(value)}, expected {expected}");
                return null;
            }

            if (blockCount is { } blocks && array.Count != blocks)
            {
                Problems.Add($"GGUF key '{key}' has {array.Count} entries but the model has {blocks} layers");
                return null;
            }

            return array;
        }

        /// <summary>gemma4: one entry per layer, true (non-zero) = sliding-window layer.</summary>
        private bool[]? RequireSlidingBools(int? blockCount)
        {
            var key = Key("attention.sliding_window_pattern");
            var value = file.Get(key);
            if (value is null)
            {
                Problems.Add($"required GGUF key '{key}' is missing; {CannotLoad}");
                return null;
            }

            var array = CheckLayerArray(key, value, blockCount, "a bool array with one entry per layer", allowBool: true);
            if (array is null)
            {
                return null;
            }

            if (array.As<bool>() is { } bools)
            {
                return bools;
            }

            var result = new bool[array.Count];
            for (var i = 0; i < result.Length; i++)
            {
                result[i] = array.TryGetInt64(i, out var v) && v != 0;
            }

            return result;
        }

        /// <summary>gemma-embedding: a uint32 period n (layers il % n &lt; n - 1 slide); a bool array aborts at decode.</summary>
        private bool[]? RequireSlidingPeriod(int? blockCount)
        {
            var key = Key("attention.sliding_window_pattern");
            var value = file.Get(key);
            if (value is null)
            {
                Problems.Add($"required GGUF key '{key}' is missing; {WouldAbort} at decode");
                return null;
            }

            if (value.IsArray)
            {
                Problems.Add($"GGUF key '{key}' is an array ({Describe(value)}); gemma-embedding expects a uint32 period, and llama.cpp would abort at decode on an array");
                return null;
            }

            if (value.Value is not uint u)
            {
                Problems.Add($"GGUF key '{key}' has type {Describe(value)}; llama.cpp requires a uint32 period");
                return null;
            }

            var period = (long)u;

            if (blockCount is not { } blocks)
            {
                return null;
            }

            var pattern = new bool[blocks];
            for (var il = 0; il < blocks; il++)
            {
                // As llama.cpp's set_swa_pattern: period 0 makes every layer sliding, period 1 none.
                pattern[il] = period == 0 || il % period < period - 1;
            }

            return pattern;
        }

        private (int Size, int Bos)? CheckTokenizer()
        {
            var model = file.Get("tokenizer.ggml.model");
            if (model is null)
            {
                Problems.Add($"required GGUF key 'tokenizer.ggml.model' is missing; {CannotLoad}");
            }
            else if (model.AsString() is null)
            {
                Problems.Add($"GGUF key 'tokenizer.ggml.model' has type {Describe(model)}, expected a string");
            }

            var tokensValue = file.Get("tokenizer.ggml.tokens");
            if (tokensValue is null)
            {
                Problems.Add($"required GGUF key 'tokenizer.ggml.tokens' is missing; {CannotLoad}");
                return null;
            }

            if (tokensValue.AsArray()?.Strings is not { Count: > 0 } tokens)
            {
                Problems.Add($"GGUF key 'tokenizer.ggml.tokens' has type {Describe(tokensValue)}, expected a non-empty string array");
                return null;
            }

            var size = tokens.Count;

            // llama.cpp indexes scores and token types by token id without checking their lengths.
            CheckParallelArray("tokenizer.ggml.scores", size, GgufValueType.Float32);
            CheckParallelArray("tokenizer.ggml.token_type", size, GgufValueType.Int32);

            if (model?.AsString() is "gemma4" or "gpt2" && file.Get("tokenizer.ggml.merges") is not { } merges)
            {
                Problems.Add($"required GGUF key 'tokenizer.ggml.merges' is missing; {CannotLoad}");
            }
            else if (file.Get("tokenizer.ggml.merges") is { } m && m.AsArray()?.Strings is null)
            {
                Problems.Add($"GGUF key 'tokenizer.ggml.merges' has type {Describe(m)}, expected a string array");
            }

            var bos = RequireIntKey("tokenizer.ggml.bos_token_id", 0, size - 1, WouldAbort);
            if (bos is null && file.Get("tokenizer.ggml.bos_token_id") is { Value: uint })
            {
                Problems[^1] += "; " + WouldAbort;
            }
            foreach (var special in new[] { "eos", "padding", "unknown" })
            {
                var key = $"tokenizer.ggml.{special}_token_id";
                if (file.Get(key) is { } id && (!id.TryGetInt64(out var n) || n < 0 || n >= size))
                {
                    Problems.Add($"GGUF key '{key}' is {id}, not a token id of the {size}-token vocabulary");
                }
            }

            return bos is { } b ? (size, b) : null;
        }

        private void CheckParallelArray(string key, int size, GgufValueType elementType)
        {
            if (file.Get(key) is not { } value)
            {
                return;
            }

            if (value.AsArray() is not { } array || array.ElementType != elementType)
            {
                Problems.Add($"GGUF key '{key}' has type {Describe(value)}, expected an array of {elementType}");
            }
            else if (array.Count != size)
            {
                Problems.Add($"GGUF key '{key}' has {array.Count} entries but the vocabulary has {size} tokens");
            }
        }

        private void CheckEmbeddingTensor(int? embeddingLength, int? vocabSize)
        {
            if (file.GetInt64("split.count") is > 1)
            {
                return; // the tensor may live in another split
            }

            var embd = file.GetTensor("token_embd.weight");
            if (embd is null)
            {
                Problems.Add($"required tensor 'token_embd.weight' is missing; {CannotLoad}");
                return;
            }

            if (embeddingLength is { } e && vocabSize is { } n
                && (embd.Dimensions.Count != 2 || embd.Dimensions[0] != e || embd.Dimensions[1] != n))
            {
                Problems.Add($"tensor 'token_embd.weight' has shape [{string.Join(", ", embd.Dimensions)}], expected [{e}, {n}] (embedding length, vocabulary size)");
            }
        }

        private string PredominantType()
        {
            var best = file.Tensors
                .Where(t => t.ByteSize is not null)
                .GroupBy(t => t.Type)
                .Select(g => (Type: g.Key, Bytes: g.Sum(t => t.ByteSize!.Value)))
                .OrderByDescending(g => g.Bytes)
                .FirstOrDefault();
            return best.Bytes == 0 ? "unknown" : GgmlTypeInfo.Name(best.Type);
        }

        private static string Describe(GgufValue value) =>
            value.AsArray() is { } a ? $"{a.ElementType} array" : value.Type.ToString();
    }
}
