using System.Globalization;
using Gemma4.AI.Gguf;

namespace Gemma4.AI.Lora;

/// <summary>
/// Checks a LoRA adapter GGUF against the base model in managed code before llama.cpp sees it. llama.cpp refuses most
/// mismatches with a null handle, but it aborts the process on some (a metadata key of the wrong type, an embedding
/// adapter whose two ranks differ), and a null handle says nothing about why; here every problem becomes a
/// <see cref="Gemma4ModelLoadException"/> naming the adapter file, the key or tensor, and what was expected.
/// </summary>
/// <remarks>
/// The rules mirror what llama.cpp's adapter loader requires (b10221 src/llama-adapter.cpp): <c>general.type</c> =
/// <c>adapter</c>, <c>adapter.type</c> = <c>lora</c>, the base model's <c>general.architecture</c>, tensors named
/// <c>&lt;base tensor&gt;.lora_a</c>/<c>.lora_b</c> in pairs (<c>*_norm.weight</c> is ignored), and for each pair
/// <c>lora_a</c> = [base columns, rank], <c>lora_b</c> = [rank, base rows] in ggml order (for <c>token_embd.weight</c>,
/// whose lookup is transposed: <c>lora_a</c> = [rank, vocabulary], <c>lora_b</c> = [rank, embedding]).
/// </remarks>
internal static class LoraAdapterPreflight
{
    private const string SuffixA = ".lora_a";
    private const string SuffixB = ".lora_b";
    private const string WouldAbort = "llama.cpp would abort on it";

    /// <summary>Types llama.cpp's converter writes for adapter tensors (convert_lora_to_gguf.py --outtype).</summary>
    private static readonly GgmlType[] SupportedTypes = [GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0];

    /// <summary>Reads and checks the adapter at <paramref name="path"/> against the base model's header.</summary>
    /// <exception cref="Gemma4ModelLoadException">The file is missing, unreadable, not a LoRA adapter, or does not fit the base model.</exception>
    public static LoraAdapterInfo Validate(string path, string baseArchitecture, GgufFile baseModel)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(baseModel);
        var file = GgufPreflightFile.Read(path, "LoRA adapter");
        return Validate(file, path, baseArchitecture, baseModel);
    }

    /// <summary>Checks an already read adapter header.</summary>
    /// <exception cref="Gemma4ModelLoadException">The adapter does not fit the base model.</exception>
    public static LoraAdapterInfo Validate(GgufFile adapter, string path, string baseArchitecture, GgufFile baseModel)
    {
        var problems = new List<string>();
        var metadataOk = CheckMetadata(adapter, baseArchitecture, problems);
        var alpha = ReadAlpha(adapter, problems);
        var (rank, targets, bytes) = metadataOk ? CheckTensors(adapter, baseModel, problems) : (0, [], 0L);
        if (metadataOk && problems.Count == 0 && targets.Count == 0)
        {
            problems.Add("the adapter has no lora_a/lora_b tensor pairs");
        }

        if (problems.Count > 0)
        {
            var problem = problems.Count == 1 ? problems[0] : $"{problems.Count} problems: {string.Join("; ", problems)}";
            throw new Gemma4ModelLoadException(path, $"not a LoRA adapter for this {baseArchitecture} model ({baseModel.Path}): {problem}");
        }

        return new LoraAdapterInfo(adapter.GetString("general.name"), alpha, rank, targets.AsReadOnly(), bytes); // handed out as Gemma4LoraAdapter.TargetTensors
    }

    /// <summary>The identifying keys; false when the file is not a LoRA adapter for this architecture at all.</summary>
    private static bool CheckMetadata(GgufFile file, string baseArchitecture, List<string> problems)
    {
        var type = RequireString(file, "general.type", problems);
        if (type is not null && type != "adapter")
        {
            problems.Add($"GGUF key 'general.type' is '{type}', expected 'adapter' (is this a model rather than an adapter?)");
        }

        var adapterType = RequireString(file, "adapter.type", problems);
        if (adapterType is not null && adapterType != "lora")
        {
            problems.Add($"GGUF key 'adapter.type' is '{adapterType}', expected 'lora' (only LoRA adapters are supported)");
        }

        var arch = RequireString(file, "general.architecture", problems);
        if (arch is not null && arch != baseArchitecture)
        {
            problems.Add($"the adapter is for architecture '{arch}' but the base model is '{baseArchitecture}'");
        }

        if (file.Get("adapter.alora.invocation_tokens") is not null)
        {
            problems.Add("GGUF key 'adapter.alora.invocation_tokens' marks an activated LoRA (aLoRA), which Gemma4.AI does not support");
        }

        return problems.Count == 0;
    }

    private static string? RequireString(GgufFile file, string key, List<string> problems)
    {
        var value = file.Get(key);
        if (value is null)
        {
            problems.Add($"required GGUF key '{key}' is missing");
            return null;
        }

        if (value.AsString() is not { } text)
        {
            // llama.cpp reads it with gguf_get_val_str, which asserts on any other type.
            problems.Add($"GGUF key '{key}' has type {value.Type}, expected a string; {WouldAbort}");
            return null;
        }

        return text;
    }

    private static float ReadAlpha(GgufFile file, List<string> problems)
    {
        if (file.Get("adapter.lora.alpha") is not { } value)
        {
            return 0;
        }

        if (value.Value is not float alpha)
        {
            // gguf_get_val_f32 asserts on any other type.
            problems.Add($"GGUF key 'adapter.lora.alpha' has type {value.Type}, expected a float32; {WouldAbort}");
            return 0;
        }

        if (!float.IsFinite(alpha))
        {
            problems.Add($"GGUF key 'adapter.lora.alpha' is {alpha.ToString(CultureInfo.InvariantCulture)}, not a finite number");
        }

        return alpha;
    }

    private static (int Rank, List<string> Targets, long Bytes) CheckTensors(GgufFile file, GgufFile baseModel, List<string> problems)
    {
        var pairs = new SortedDictionary<string, (GgufTensorInfo? A, GgufTensorInfo? B)>(StringComparer.Ordinal);
        long bytes = 0;
        foreach (var t in file.Tensors)
        {
            if (CheckStorage(file, t, problems) is { } size)
            {
                bytes += size;
            }

            if (t.Name.EndsWith(SuffixA, StringComparison.Ordinal))
            {
                var target = t.Name[..^SuffixA.Length];
                pairs[target] = (t, pairs.GetValueOrDefault(target).B);
            }
            else if (t.Name.EndsWith(SuffixB, StringComparison.Ordinal))
            {
                var target = t.Name[..^SuffixB.Length];
                pairs[target] = (pairs.GetValueOrDefault(target).A, t);
            }
            else if (!t.Name.EndsWith("_norm.weight", StringComparison.Ordinal))
            {
                // llama.cpp skips norm vectors and refuses anything else.
                problems.Add($"tensor '{t.Name}' is neither a '{SuffixA}' nor a '{SuffixB}' tensor");
            }
        }

        if (TensorOverlap.Describe(file.Tensors) is { } overlap)
        {
            problems.Add(overlap);
        }

        var rank = 0;
        var targets = new List<string>();
        foreach (var (target, (a, b)) in pairs)
        {
            if (a is null || b is null)
            {
                problems.Add($"tensor '{target}{(a is null ? SuffixB : SuffixA)}' has no matching '{target}{(a is null ? SuffixA : SuffixB)}'");
                continue;
            }

            if (baseModel.GetTensor(target) is not { } weight)
            {
                problems.Add($"tensor '{a.Name}' adapts '{target}', which the base model does not have");
                continue;
            }

            if (CheckShapes(target, a, b, weight, problems) is { } r)
            {
                rank = Math.Max(rank, r);
                targets.Add(target);
            }
        }

        return (rank, targets, bytes);
    }

    private static long? CheckStorage(GgufFile file, GgufTensorInfo t, List<string> problems)
    {
        if (Array.IndexOf(SupportedTypes, t.Type) < 0)
        {
            problems.Add($"tensor '{t.Name}' has type {GgmlTypeInfo.Name(t.Type)}; LoRA tensors must be F32, F16, BF16 or Q8_0");
            return null;
        }

        if (t.ByteSize is not { } size)
        {
            problems.Add($"tensor '{t.Name}' has a row length that is not a whole number of {GgmlTypeInfo.Name(t.Type)} blocks");
            return null;
        }

        if (file.DataOffset + t.Offset + size > file.FileLength)
        {
            problems.Add(string.Format(CultureInfo.InvariantCulture,
                "the file is truncated: tensor '{0}' ends at byte {1:N0} but the file has {2:N0}", t.Name, file.DataOffset + t.Offset + size, file.FileLength));
        }

        return size;
    }

    /// <summary>Checks one pair against its base tensor; returns the rank, or null after recording the problem.</summary>
    private static int? CheckShapes(string target, GgufTensorInfo a, GgufTensorInfo b, GgufTensorInfo weight, List<string> problems)
    {
        string Shape(GgufTensorInfo t) => "[" + string.Join(", ", t.Dimensions) + "]";

        if (a.Dimensions.Count != 2 || b.Dimensions.Count != 2 || weight.Dimensions.Count != 2)
        {
            problems.Add($"'{target}': LoRA pairs must be 2-D and adapt a 2-D tensor (lora_a {Shape(a)}, lora_b {Shape(b)}, base {Shape(weight)})");
            return null;
        }

        long columns = weight.Dimensions[0], rows = weight.Dimensions[1];
        bool fits;
        long rank;
        string expected;
        if (target == "token_embd.weight")
        {
            // The embedding lookup applies the adapter transposed; both factors carry the rank first.
            rank = a.Dimensions[0];
            fits = b.Dimensions[1] == columns && a.Dimensions[1] == rows && b.Dimensions[0] == rank;
            expected = $"lora_a [rank, {rows}] and lora_b [rank, {columns}] with one rank";
        }
        else
        {
            rank = a.Dimensions[1];
            fits = a.Dimensions[0] == columns && b.Dimensions[1] == rows && b.Dimensions[0] == rank;
            expected = $"lora_a [{columns}, rank] and lora_b [rank, {rows}] with one rank";
        }

        if (!fits || rank is < 1 or > int.MaxValue)
        {
            problems.Add($"'{target}' is {Shape(weight)} in the base model; its adapter has lora_a {Shape(a)} and lora_b {Shape(b)}, expected {expected} (wrong base model?)");
            return null;
        }

        return (int)rank;
    }
}
