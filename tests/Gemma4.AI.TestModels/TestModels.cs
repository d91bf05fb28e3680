using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Gemma4.AI.TestModels;

/// <summary>
/// Generates tiny Gemma 4 GGUF models (real architecture and control tokens, random weights) that the bundled
/// llama.cpp loads and runs. Files are deterministic (same spec, same bytes) and cached on disk under a content hash
/// of the spec and <see cref="GeneratorVersion"/>; each is written under a temporary name and moved into place, so
/// parallel test processes never see half a file.
/// </summary>
public static class TestModels
{
    /// <summary>Environment variable that overrides <see cref="CacheDirectory"/>.</summary>
    public const string CacheEnvironmentVariable = "GEMMA4_TEST_MODEL_CACHE";

    /// <summary>Bump whenever generation changes, so stale cached files are not reused.</summary>
    public const int GeneratorVersion = 2;

    /// <summary>Bump whenever projector generation changes (kept apart so text models stay cached).</summary>
    public const int ProjectorGeneratorVersion = 2;

    private static readonly ConcurrentDictionary<string, Lazy<string>> InProcess = new(StringComparer.Ordinal);

    /// <summary>Where generated models are cached: <c>$GEMMA4_TEST_MODEL_CACHE</c>, else <c>{temp}/gemma4-ai-test-models</c>.</summary>
    public static string CacheDirectory =>
        Environment.GetEnvironmentVariable(CacheEnvironmentVariable) is { Length: > 0 } dir
            ? dir
            : Path.Combine(Path.GetTempPath(), "gemma4-ai-test-models");

    /// <summary>The path of a generated gemma4 model (generated on first use, then cached).</summary>
    /// <param name="spec">The model; <see cref="TinyModelSpec.Default"/> when null.</param>
    public static string Gemma4(TinyModelSpec? spec = null) => GetOrCreate(TestModelKind.Gemma4, spec ?? TinyModelSpec.Default);

    /// <summary>The path of a generated gemma-embedding model (generated on first use, then cached).</summary>
    /// <param name="spec">The model; <see cref="TinyModelSpec.EmbeddingDefault"/> when null.</param>
    public static string GemmaEmbedding(TinyModelSpec? spec = null) =>
        GetOrCreate(TestModelKind.GemmaEmbedding, spec ?? TinyModelSpec.EmbeddingDefault);

    /// <summary>The path of a generated model of either kind (generated on first use, then cached).</summary>
    /// <param name="kind">The architecture.</param>
    /// <param name="spec">The model.</param>
    public static string GetOrCreate(TestModelKind kind, TinyModelSpec spec) => GetOrCreate(kind, spec, CacheDirectory);

    /// <summary>The path of a generated model cached in <paramref name="cacheDirectory"/> (generated on first use).</summary>
    /// <param name="kind">The architecture.</param>
    /// <param name="spec">The model.</param>
    /// <param name="cacheDirectory">The cache folder to use instead of <see cref="CacheDirectory"/>.</param>
    public static string GetOrCreate(TestModelKind kind, TinyModelSpec spec, string cacheDirectory)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentException.ThrowIfNullOrEmpty(cacheDirectory);
        var path = CachePath(kind, spec, cacheDirectory);
        if (File.Exists(path))
        {
            return path;
        }

        // One generation per path in this process; other processes are handled by the atomic move.
        return InProcess.GetOrAdd(path, p => new Lazy<string>(() => Generate(kind, spec, p))).Value;
    }

    /// <summary>
    /// The path of a generated LoRA adapter for the gemma4 model of <paramref name="model"/> (generated on first use, then
    /// cached like the models).
    /// </summary>
    /// <param name="lora">The adapter; <see cref="TinyLoraSpec.Default"/> when null.</param>
    /// <param name="model">The base model it adapts; <see cref="TinyModelSpec.Default"/> when null.</param>
    public static string Lora(TinyLoraSpec? lora = null, TinyModelSpec? model = null)
    {
        lora ??= TinyLoraSpec.Default;
        model ??= TinyModelSpec.Default;
        var path = Path.Combine(CacheDirectory, $"gemma4-lora-{LoraContentHash(lora, model)}.gguf");
        if (File.Exists(path))
        {
            return path;
        }

        return InProcess.GetOrAdd(path, p => new Lazy<string>(() => Generate(p, temp => TestLoraBuilder.Build(lora, model).WriteTo(temp)))).Value;
    }

    /// <summary>
    /// The path of a generated Gemma 4 multimodal projector ("mmproj") for the gemma4 model of <paramref name="model"/>
    /// (generated on first use, then cached like the models). The defaults give a projector with both a gemma4v vision
    /// encoder and a gemma4a audio encoder whose projection width is the embedding width of <see cref="Gemma4(TinyModelSpec)"/>'s
    /// model, so <c>Gemma4ModelOptions { ModelPath = Gemma4(), ProjectorPath = Projector() }</c> loads and takes images
    /// and audio.
    /// </summary>
    /// <param name="projector">The projector; <see cref="TinyProjectorSpec.Default"/> (vision and audio) when null.</param>
    /// <param name="model">The text model it is made for; <see cref="TinyModelSpec.Default"/> when null.</param>
    public static string Projector(TinyProjectorSpec? projector = null, TinyModelSpec? model = null)
    {
        projector ??= TinyProjectorSpec.Default;
        model ??= TinyModelSpec.Default;
        var path = Path.Combine(CacheDirectory, $"gemma4-mmproj-{ProjectorContentHash(projector, model)}.gguf");
        if (File.Exists(path))
        {
            return path;
        }

        return InProcess.GetOrAdd(path, p => new Lazy<string>(() => Generate(p, temp => WriteProjector(projector, model, temp)))).Value;
    }

    /// <summary>Writes a projector straight to <paramref name="path"/>, bypassing the cache.</summary>
    /// <param name="projector">The projector.</param>
    /// <param name="model">The text model whose embedding width is the projection width (unless the spec sets one).</param>
    /// <param name="path">The destination (overwritten).</param>
    public static void WriteProjector(TinyProjectorSpec projector, TinyModelSpec model, string path) =>
        CreateProjectorWriter(projector, model).WriteTo(path);

    /// <summary>A writer holding the projector, for tests that want to change it further before writing.</summary>
    /// <param name="projector">The projector.</param>
    /// <param name="model">The text model whose embedding width is the projection width (unless the spec sets one).</param>
    public static GgufWriter CreateProjectorWriter(TinyProjectorSpec projector, TinyModelSpec model)
    {
        ArgumentNullException.ThrowIfNull(projector);
        ArgumentNullException.ThrowIfNull(model);
        return TestProjectorBuilder.Build(projector, projector.ProjectionWidth ?? model.HiddenSize);
    }

    /// <summary>Writes a LoRA adapter straight to <paramref name="path"/>, bypassing the cache.</summary>
    /// <param name="lora">The adapter.</param>
    /// <param name="model">The base model it adapts.</param>
    /// <param name="path">The destination (overwritten).</param>
    public static void WriteLora(TinyLoraSpec lora, TinyModelSpec model, string path) => TestLoraBuilder.Build(lora, model).WriteTo(path);

    /// <summary>Where the cached file for this spec lives (whether or not it exists yet).</summary>
    /// <param name="kind">The architecture.</param>
    /// <param name="spec">The model.</param>
    public static string CachePath(TestModelKind kind, TinyModelSpec spec) => CachePath(kind, spec, CacheDirectory);

    private static string CachePath(TestModelKind kind, TinyModelSpec spec, string cacheDirectory)
    {
        var prefix = kind == TestModelKind.Gemma4 ? "gemma4" : "gemma-embedding";
        return Path.Combine(cacheDirectory, $"{prefix}-{ContentHash(kind, spec)}.gguf");
    }

    /// <summary>Writes a model straight to <paramref name="path"/>, bypassing the cache.</summary>
    /// <param name="kind">The architecture.</param>
    /// <param name="spec">The model.</param>
    /// <param name="path">The destination (overwritten).</param>
    public static void Write(TestModelKind kind, TinyModelSpec spec, string path) => CreateWriter(kind, spec).WriteTo(path);

    /// <summary>A writer holding the model, for tests that want to change it further before writing.</summary>
    /// <param name="kind">The architecture.</param>
    /// <param name="spec">The model.</param>
    public static GgufWriter CreateWriter(TestModelKind kind, TinyModelSpec spec) => TestModelBuilder.Build(kind, spec);

    /// <summary>A hex digest of everything that determines the file's bytes.</summary>
    /// <param name="kind">The architecture.</param>
    /// <param name="spec">The model.</param>
    public static string ContentHash(TestModelKind kind, TinyModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(GeneratorVersion);
            w.Write((int)kind);
            w.Write(spec.Seed);
            w.Write(spec.HiddenSize);
            w.Write(spec.Layers);
            w.Write(spec.Heads);
            WriteList(w, spec.KvHeads, w.Write);
            w.Write(spec.HeadDim);
            w.Write(spec.HeadDimSwa);
            w.Write(spec.SlidingWindow);
            WriteList(w, spec.SlidingPattern, w.Write);
            w.Write(spec.FeedForward);
            w.Write(spec.FeedForwardPerLayer is not null);
            WriteList(w, spec.FeedForwardPerLayer ?? [], w.Write);
            w.Write(spec.ContextLength);
            w.Write(spec.EmbeddingLengthPerLayer);
            w.Write(spec.SharedKvLayers);
            w.Write(spec.LayerOutputScale);
            w.Write(spec.VocabularySize ?? -1);
            w.Write((int)spec.WeightType);
            w.Write(spec.WeightStdDev);
            WriteOptional(w, spec.ChatTemplate);
            WriteOptional(w, spec.Name);
            WriteList(w, spec.OmitKeys, w.Write);
            WriteOverrides(w, spec.OverrideKeys);

            WriteList(w, spec.OmitTensors, w.Write);
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()))[..20];
    }

    private static string Generate(TestModelKind kind, TinyModelSpec spec, string path) =>
        Generate(path, temp => Write(kind, spec, temp));

    private static string LoraContentHash(TinyLoraSpec lora, TinyModelSpec model)
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            w.Write("lora");
            w.Write(ContentHash(TestModelKind.Gemma4, model));
            w.Write(lora.Seed);
            w.Write(lora.Rank);
            w.Write(lora.Alpha.HasValue);
            w.Write(lora.Alpha ?? 0);
            WriteList(w, lora.Targets, w.Write);
            w.Write(lora.StdDev);
            w.Write((int)lora.WeightType);
            w.Write(lora.Name);
            WriteList(w, lora.OmitKeys, w.Write);
            WriteOverrides(w, lora.OverrideKeys);
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()))[..20];
    }

    private static string ProjectorContentHash(TinyProjectorSpec p, TinyModelSpec model)
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            w.Write("mmproj");
            w.Write(ProjectorGeneratorVersion);
            w.Write(p.ProjectionWidth ?? model.HiddenSize);
            w.Write(p.Vision);
            w.Write(p.Audio);
            w.Write(p.Seed);
            w.Write(p.WeightStdDev);
            w.Write((int)p.WeightType);
            foreach (var n in (ReadOnlySpan<int>)[p.VisionWidth, p.VisionHeads, p.VisionFeedForward, p.VisionBlocks, p.PatchSize, p.PositionTableSize, p.ImageSize,
                p.AudioWidth, p.AudioHeads, p.AudioFeedForward, p.AudioBlocks, p.MelBins, p.ConvChannels0, p.ConvChannels1])
            {
                w.Write(n);
            }

            WriteOptional(w, p.Name);
            WriteList(w, p.OmitKeys, w.Write);
            WriteOverrides(w, p.OverrideKeys);
            WriteList(w, p.OmitTensors, w.Write);
            foreach (var shapes in (ReadOnlySpan<IReadOnlyDictionary<string, IReadOnlyList<long>>>)[p.TensorShapes, p.ExtraTensors])
            {
                w.Write(shapes.Count);
                foreach (var (name, shape) in shapes.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    w.Write(name);
                    WriteList(w, shape, w.Write);
                }
            }

            w.Write(p.TensorTypes.Count);
            foreach (var (name, type) in p.TensorTypes.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                w.Write(name);
                w.Write((int)type);
            }
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()))[..20];
    }

    private static string Generate(string path, Action<string> write)
    {
        if (File.Exists(path))
        {
            return path;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = string.Create(
            CultureInfo.InvariantCulture, $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            write(temp);
            try
            {
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process finished first; its file has the same bytes.
            }
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }

        return path;
    }

    private static void WriteOptional(BinaryWriter w, string? value)
    {
        w.Write(value is not null);
        w.Write(value ?? string.Empty);
    }

    /// <summary>Metadata overrides in key order, so equal specs hash equally whatever the dictionary's order.</summary>
    private static void WriteOverrides(BinaryWriter w, IReadOnlyDictionary<string, GgufMetadataValue> overrides)
    {
        w.Write(overrides.Count);
        foreach (var (key, value) in overrides.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            w.Write(key);
            w.Write((int)value.Type);
            value.WritePayload(w);
        }
    }

    private static void WriteList<T>(BinaryWriter w, IReadOnlyList<T> items, Action<T> write)
    {
        w.Write(items.Count);
        foreach (var item in items)
        {
            write(item);
        }
    }
}
