using System.Globalization;
using Gemma4.AI.Gguf;

namespace Gemma4.AI.Multimodal;

/// <summary>
/// Checks a Gemma 4 projector ("mmproj") GGUF in managed code before llama.cpp's mtmd sees it. mtmd aborts the process on
/// a metadata key of the wrong GGUF type, crashes on a missing patch or position embedding or audio projection, and
/// aborts at the first encode when a tensor has the wrong shape or the position table is too small for an image;
/// here each of those becomes a <see cref="Gemma4ModelLoadException"/> naming the file and the problem.
/// </summary>
/// <remarks>
/// The rules follow mtmd's loader and the gemma4v / gemma4a graphs of the bundled build (llama.cpp b10221): every key
/// the loader reads must have the type it reads it with; every tensor a graph multiplies or adds must have the shape
/// the hyperparameters give it; tensors the graph cannot do without must exist (also those the loader calls optional
/// but uses unconditionally). Optional tensors are checked when present. Unknown tensors and keys are ignored, as the
/// loader ignores them.
/// </remarks>
internal static class ProjectorPreflight
{
    /// <summary>Image tokens mtmd allows per image when the options set no budget (gemma4v at b10221: 40..280).</summary>
    public const int DefaultImageMinTokens = 40;

    /// <inheritdoc cref="DefaultImageMinTokens"/>
    public const int DefaultImageMaxTokens = 280;

    private const string WouldAbort = "llama.cpp would abort the process on it";

    // Every key mtmd's loader may read, with the GGUF type it reads it as (gguf_get_val_* asserts the type).
    private static readonly Dictionary<string, GgufValueType> ScalarKeys = new(StringComparer.Ordinal)
    {
        ["general.architecture"] = GgufValueType.String,
        ["general.name"] = GgufValueType.String,
        ["general.description"] = GgufValueType.String,
        ["general.file_type"] = GgufValueType.UInt32,
        ["clip.projector_type"] = GgufValueType.String,
        ["clip.vision.projector_type"] = GgufValueType.String,
        ["clip.audio.projector_type"] = GgufValueType.String,
        ["clip.has_vision_encoder"] = GgufValueType.Bool,
        ["clip.has_audio_encoder"] = GgufValueType.Bool,
        ["clip.use_gelu"] = GgufValueType.Bool,
        ["clip.use_silu"] = GgufValueType.Bool,
        ["clip.minicpmv_version"] = GgufValueType.Int32,
        ["clip.minicpmv_query_num"] = GgufValueType.UInt32,
        ["clip.vision.image_size"] = GgufValueType.UInt32,
        ["clip.vision.patch_size"] = GgufValueType.UInt32,
        ["clip.vision.image_min_pixels"] = GgufValueType.UInt32,
        ["clip.vision.image_max_pixels"] = GgufValueType.UInt32,
        ["clip.vision.projector.scale_factor"] = GgufValueType.UInt32,
        ["clip.vision.spatial_merge_size"] = GgufValueType.UInt32,
        ["clip.vision.mm_patch_merge_type"] = GgufValueType.String,
        ["clip.vision.preproc_image_size"] = GgufValueType.UInt32,
        ["clip.vision.window_size"] = GgufValueType.UInt32,
        ["clip.vision.n_wa_pattern"] = GgufValueType.UInt32,
        ["clip.audio.num_mel_bins"] = GgufValueType.UInt32,
        ["clip.audio.projector.stack_factor"] = GgufValueType.UInt32,
    };

    private static readonly string[] EncoderScalarKeys =
    [
        "embedding_length", "feed_forward_length", "block_count", "projection_dim", "attention.head_count",
        "attention.head_count_kv", "attention.head_dim",
    ];

    private static readonly Dictionary<string, GgufValueType> ArrayKeys = new(StringComparer.Ordinal)
    {
        ["clip.vision.image_mean"] = GgufValueType.Float32,
        ["clip.vision.image_std"] = GgufValueType.Float32,
        ["clip.vision.image_grid_pinpoints"] = GgufValueType.Int32,
        ["clip.vision.feature_layer"] = GgufValueType.Int32,
        ["clip.audio.feature_layer"] = GgufValueType.Int32,
        ["clip.vision.wa_layer_indexes"] = GgufValueType.Int32,
    };

    /// <summary>Reads and checks the projector at <paramref name="path"/> against the text model it is loaded for.</summary>
    /// <param name="path">The projector file.</param>
    /// <param name="textEmbeddingWidth">The text model's embedding width; the projection width must equal it.</param>
    /// <param name="maxImageTokens">The most tokens an image may become; the position table must cover such an image.</param>
    /// <exception cref="Gemma4ModelLoadException">The file is missing, unreadable, not a Gemma 4 projector, or would crash mtmd.</exception>
    public static ProjectorInfo Validate(string path, int textEmbeddingWidth, int maxImageTokens)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = GgufPreflightFile.Read(path, "projector (mmproj)");
        return Validate(file, path, textEmbeddingWidth, maxImageTokens);
    }

    /// <summary>Checks an already read projector header.</summary>
    /// <exception cref="Gemma4ModelLoadException">The file is not a Gemma 4 projector for this model, or would crash mtmd.</exception>
    public static ProjectorInfo Validate(GgufFile file, string path, int textEmbeddingWidth, int maxImageTokens)
    {
        ArgumentNullException.ThrowIfNull(file);
        var check = new Checker(file, textEmbeddingWidth, maxImageTokens);
        var info = check.Run(path);
        if (check.Problems.Count > 0)
        {
            var problem = check.Problems.Count == 1
                ? check.Problems[0]
                : $"{check.Problems.Count} problems: {string.Join("; ", check.Problems)}";
            throw new Gemma4ModelLoadException(path, $"not a usable Gemma 4 projector (mmproj): {problem}");
        }

        return info!;
    }

    private sealed class Checker(GgufFile file, int textWidth, int maxImageTokens)
    {
        public List<string> Problems { get; } = [];

        public ProjectorInfo? Run(string path)
        {
            var arch = file.Get("general.architecture");
            if (arch is null)
            {
                Problems.Add("GGUF key 'general.architecture' is missing (a projector file has 'clip')");
                return null;
            }

            if (arch.AsString() is not "clip")
            {
                Problems.Add($"GGUF key 'general.architecture' is '{arch}', expected 'clip'"
                    + (arch.AsString() is "gemma4" ? " (this is a text model: ProjectorPath must name the mmproj file published next to it)" : string.Empty));
                return null;
            }

            CheckKeyTypes();
            var tensorBytes = Gemma4GgufPreflight.CheckTensorData(file, Problems);
            CheckScalarTensors();
            if (Problems.Count > 0)
            {
                return null; // a key of the wrong type makes every later read meaningless
            }

            var hasVision = file.Get("clip.has_vision_encoder")?.Value is true;
            var hasAudio = file.Get("clip.has_audio_encoder")?.Value is true;
            if (!hasVision && !hasAudio)
            {
                Problems.Add("neither 'clip.has_vision_encoder' nor 'clip.has_audio_encoder' is true: the file has no encoder");
                return null;
            }

            var global = file.GetString("clip.projector_type");
            if (global is not null && hasVision && hasAudio)
            {
                Problems.Add($"GGUF key 'clip.projector_type' ('{global}') is set in a file with both encoders; mtmd would apply it to both "
                    + "(use 'clip.vision.projector_type' and 'clip.audio.projector_type')");
            }

            var vision = hasVision ? CheckVision(global ?? file.GetString("clip.vision.projector_type")) : null;
            var audio = hasAudio ? CheckAudio(global ?? file.GetString("clip.audio.projector_type")) : null;
            if (Problems.Count > 0)
            {
                return null;
            }

            return new ProjectorInfo
            {
                FilePath = path,
                FileLength = file.FileLength,
                TensorBytes = tensorBytes,
                Name = file.GetString("general.name"),
                Vision = vision,
                Audio = audio,
                ProjectionWidth = textWidth,
            };
        }

        /// <summary>Every key the loader reads with a fixed type must have that type (else gguf.cpp aborts).</summary>
        private void CheckKeyTypes()
        {
            foreach (var (key, value) in file.MetadataEntries)
            {
                if (ExpectedType(key) is { } expected && value.Type != expected)
                {
                    Problems.Add($"GGUF key '{key}' has type {Describe(value)}, but mtmd reads it as {expected}; {WouldAbort}");
                    continue;
                }

                if (ArrayKeys.TryGetValue(key, out var element))
                {
                    var array = value.AsArray();
                    var ok = array is not null && (array.ElementType == element
                        || (element == GgufValueType.Int32 && array.ElementType == GgufValueType.UInt32));
                    if (!ok)
                    {
                        Problems.Add($"GGUF key '{key}' has type {Describe(value)}, but mtmd reads it as an array of {element}; {WouldAbort}");
                    }
                }
            }
        }

        /// <summary>The scalar type mtmd reads <paramref name="key"/> as, or null for keys it does not read as scalars.</summary>
        private static GgufValueType? ExpectedType(string key)
        {
            if (ScalarKeys.TryGetValue(key, out var type))
            {
                return type;
            }

            foreach (var prefix in (ReadOnlySpan<string>)["clip.vision.", "clip.audio."])
            {
                if (key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    var suffix = key[prefix.Length..];
                    if (suffix == "attention.layer_norm_epsilon")
                    {
                        return GgufValueType.Float32;
                    }

                    if (Array.IndexOf(EncoderScalarKeys, suffix) >= 0)
                    {
                        return GgufValueType.UInt32;
                    }
                }
            }

            return null;
        }

        /// <summary>Clamp bounds of Gemma4ClippableLinear (<c>*.input_max</c> and so on) are read as one F32 each.</summary>
        private void CheckScalarTensors()
        {
            foreach (var t in file.Tensors)
            {
                if ((t.Name.EndsWith(".input_max", StringComparison.Ordinal) || t.Name.EndsWith(".input_min", StringComparison.Ordinal)
                    || t.Name.EndsWith(".output_max", StringComparison.Ordinal) || t.Name.EndsWith(".output_min", StringComparison.Ordinal))
                    && (t.Type != GgmlType.F32 || t.ElementCount != 1))
                {
                    Problems.Add($"tensor '{t.Name}' must be one F32 value (a clamp bound), but is {GgmlTypeInfo.Name(t.Type)} {Shape(t.Dimensions)}");
                }
            }
        }

        private ProjectorEncoder? CheckVision(string? type)
        {
            if (type != "gemma4v")
            {
                Problems.Add(type == "gemma4uv" ? Unified(type) : type is null
                    ? "GGUF key 'clip.vision.projector_type' is missing"
                    : $"vision projector type '{type}' is not Gemma 4's ('gemma4v'); Gemma4.AI runs Gemma 4 vision projectors only");
                return null;
            }

            var d = RequireInt("clip.vision.embedding_length");
            var heads = RequireInt("clip.vision.attention.head_count");
            var ff = RequireInt("clip.vision.feed_forward_length", min: 1);
            var blocks = RequireInt("clip.vision.block_count", min: 0, max: 1024);
            RequireInt("clip.vision.projection_dim");
            RequireKey("clip.vision.attention.layer_norm_epsilon");
            RequireInt("clip.vision.image_size", min: 0, max: 8192);
            var patch = RequireInt("clip.vision.patch_size", max: 65535);
            var merge = OptionalInt("clip.vision.projector.scale_factor", 3, min: 1, max: 65535);
            foreach (var key in (ReadOnlySpan<string>)["clip.vision.image_mean", "clip.vision.image_std"])
            {
                if (file.GetArray(key) is not { Count: >= 3 })
                {
                    Problems.Add($"GGUF key '{key}' must be an array of 3 floats (red, green, blue)");
                }
            }

            if (d is not { } width || heads is not { } h || ff is null || blocks is not { } layers || patch is not { } p || merge is not { } m)
            {
                return null;
            }

            var (headDim, kvHeads) = HeadShape("clip.vision", width, h);
            if (headDim is not { } dh || kvHeads is not { } hkv)
            {
                return null;
            }

            var tensors = new TensorRules(file, Problems);
            tensors.Require("v.patch_embd.weight", p, p, 3, width);
            tensors.Optional("v.patch_embd.bias", width);
            var positions = tensors.Require3D("v.position_embd.weight", width, 2);

            // Every token pools m x m patches; an image of n tokens can be n tokens wide, so one axis can need n * m
            // entries, and get_rows past the table's end aborts mtmd at the image's first encode.
            var needed = (long)maxImageTokens * m;
            if (positions is { } pos && pos < needed)
            {
                Problems.Add($"tensor 'v.position_embd.weight' has {pos} positions per axis, but an image of up to {maxImageTokens} tokens "
                    + $"can be {needed} patches wide (tokens x {m}); {WouldAbort} at the encode of such an image. Lower ImageMaxTokens to at most "
                    + $"{pos / m} or use a projector with a larger position table");
            }

            for (var i = 0; i < layers; i++)
            {
                var b = $"v.blk.{i}.";
                tensors.Attention(b, width, h * dh, hkv * dh);
                tensors.Optional(b + "attn_q_norm.weight", [dh], [width]);
                tensors.Optional(b + "attn_k_norm.weight", [dh], [width]);
                foreach (var norm in (ReadOnlySpan<string>)["ln1", "ln2", "attn_post_norm", "ffn_post_norm", "ls1", "ls2", "out_scale"])
                {
                    tensors.Optional(b + norm + ".weight", width);
                    tensors.Optional(b + norm + ".bias", width);
                }

                tensors.FeedForward(b, "ffn_up", "ffn_down", "ffn_gate", width);
            }

            tensors.Optional("v.std_bias", width);
            tensors.Optional("v.std_scale", width);
            tensors.Require("mm.input_projection.weight", width, textWidth);
            return new ProjectorEncoder("gemma4v", width, layers, h, p, m, (int)Math.Min(int.MaxValue, positions ?? 0));
        }

        private ProjectorEncoder? CheckAudio(string? type)
        {
            if (type != "gemma4a")
            {
                Problems.Add(type == "gemma4ua" ? Unified(type) : type is null
                    ? "GGUF key 'clip.audio.projector_type' is missing"
                    : $"audio projector type '{type}' is not Gemma 4's ('gemma4a'); Gemma4.AI runs Gemma 4 audio projectors only");
                return null;
            }

            var a = RequireInt("clip.audio.embedding_length");
            var heads = RequireInt("clip.audio.attention.head_count");
            RequireInt("clip.audio.feed_forward_length", min: 1);
            var blocks = RequireInt("clip.audio.block_count", min: 0, max: 1024);
            RequireInt("clip.audio.projection_dim");
            RequireKey("clip.audio.attention.layer_norm_epsilon");
            var mel = RequireInt("clip.audio.num_mel_bins", max: 256);
            if (a is not { } width || heads is not { } h || blocks is not { } layers || mel is not { } bins)
            {
                return null;
            }

            var (headDim, _) = HeadShape("clip.audio", width, h);
            if (headDim is not { } dh)
            {
                return null;
            }

            if (h * dh != width)
            {
                Problems.Add($"the audio conformer splits its width {width} into {h} heads of {dh}; gemma4a needs heads x head size = width");
                return null;
            }

            var tensors = new TensorRules(file, Problems);

            // Two 3x3 stride-2 convolutions (padding 1) subsample the mel bins; their channels come from the tensors.
            var c0 = tensors.Channels("a.conv1d.0.weight", inputChannels: 1);
            var c1 = c0 is { } first ? tensors.Channels("a.conv1d.1.weight", inputChannels: first) : null;
            if (c0 is { } ch0)
            {
                tensors.Optional("a.conv1d.0.norm.weight", ch0);
                tensors.Optional("a.conv1d.0.bias", ch0);
            }

            if (c1 is { } ch1)
            {
                tensors.Optional("a.conv1d.1.norm.weight", ch1);
                tensors.Optional("a.conv1d.1.bias", ch1);
                var f1 = ((bins - 1) / 2) + 1;
                var f2 = ((f1 - 1) / 2) + 1;
                tensors.Require("a.input_projection.weight", ch1 * f2, width);
                tensors.Optional("a.input_projection.bias", width);
            }

            for (var i = 0; i < layers; i++)
            {
                var b = $"a.blk.{i}.";
                tensors.Attention(b, width, width, width);
                tensors.Require(b + "attn_k_rel.weight", width, width); // the loader calls it optional; without it the encode aborts
                tensors.Optional(b + "per_dim_scale.weight", dh);
                tensors.Optional(b + "per_dim_k_scale.weight", dh);
                foreach (var norm in (ReadOnlySpan<string>)["ffn_post_norm", "attn_pre_norm", "attn_post_norm", "conv_norm", "norm_conv", "ffn_post_norm_1", "ln1", "ln2"])
                {
                    tensors.Optional(b + norm + ".weight", width);
                    tensors.Optional(b + norm + ".bias", width);
                }

                tensors.Require(b + "ffn_norm.weight", width);
                tensors.Require(b + "ffn_norm_1.weight", width);
                tensors.FeedForward(b, "ffn_up", "ffn_down", null, width);
                tensors.FeedForward(b, "ffn_up_1", "ffn_down_1", null, width);
                tensors.Require(b + "conv_pw1.weight", width, 2L * width);
                tensors.Optional(b + "conv_pw1.bias", 2L * width);
                tensors.Require(b + "conv_dw.weight", 5, width); // the graph pads by 4 for a causal kernel of 5
                tensors.Optional(b + "conv_dw.bias", width);
                tensors.Require(b + "conv_pw2.weight", width, width);
                tensors.Optional(b + "conv_pw2.bias", width);
            }

            var output = width;
            if (file.GetTensor("a.pre_encode.out.weight") is { Dimensions: [var inWidth, var outWidth] } && inWidth == width && outWidth is > 0 and <= int.MaxValue)
            {
                output = (int)outWidth;
            }
            else
            {
                tensors.Optional("a.pre_encode.out.weight", width, width);
            }

            tensors.Optional("a.pre_encode.out.bias", output);
            tensors.Optional("mm.a.soft_emb_norm.weight", output);

            // The loader calls it optional but reads its width unconditionally: missing, mtmd crashes at load.
            tensors.Require("mm.a.input_projection.weight", output, textWidth);
            return new ProjectorEncoder("gemma4a", width, layers, h);
        }

        private static string Unified(string type) =>
            $"projector type '{type}' is Gemma 4 12B's encoder-free (unified) projector, which Gemma4.AI does not support yet";

        /// <summary>Head size and KV heads: <c>attention.head_dim</c> or width / heads; <c>head_count_kv</c> or heads.</summary>
        private (int? HeadDim, int? KvHeads) HeadShape(string prefix, int width, int heads)
        {
            var headDim = OptionalInt($"{prefix}.attention.head_dim", 0, min: 0, max: 65536) is > 0 and var explicitDim ? explicitDim : (int?)null;
            if (headDim is null)
            {
                if (width % heads != 0)
                {
                    Problems.Add($"GGUF key '{prefix}.embedding_length' ({width}) is not a multiple of '{prefix}.attention.head_count' ({heads})");
                    return (null, null);
                }

                headDim = width / heads;
            }

            var kvHeads = OptionalInt($"{prefix}.attention.head_count_kv", heads, min: 1, max: heads);
            if (kvHeads is { } kv && heads % kv != 0)
            {
                Problems.Add($"GGUF key '{prefix}.attention.head_count_kv' ({kv}) does not divide the {heads} attention heads");
                return (null, null);
            }

            return (headDim, kvHeads);
        }

        private void RequireKey(string key)
        {
            if (file.Get(key) is null)
            {
                Problems.Add($"required GGUF key '{key}' is missing");
            }
        }

        private int? RequireInt(string key, long min = 1, long max = 1 << 20)
        {
            if (file.Get(key) is not { } value)
            {
                Problems.Add($"required GGUF key '{key}' is missing");
                return null;
            }

            return InRange(key, value, min, max);
        }

        private int? OptionalInt(string key, int fallback, long min, long max) =>
            file.Get(key) is { } value ? InRange(key, value, min, max) : fallback;

        private int? InRange(string key, GgufValue value, long min, long max)
        {
            if (!value.TryGetInt64(out var n) || n < min || n > max)
            {
                Problems.Add($"GGUF key '{key}' is {value}, outside the valid range {min}..{max}");
                return null;
            }

            return (int)n;
        }
    }

    /// <summary>Tensor presence and shape rules; shapes are in ggml order.</summary>
    private sealed class TensorRules(GgufFile file, List<string> problems)
    {
        public void Require(string name, params long[] shape) => Check(name, required: true, [shape]);

        public void Optional(string name, params long[] shape) => Check(name, required: false, [shape]);

        public void Optional(string name, long[] shape, long[] alternative) => Check(name, required: false, [shape, alternative]);

        /// <summary>A 3-D tensor [first, n, last]; returns n (or null when missing or misshapen).</summary>
        public long? Require3D(string name, long first, long last)
        {
            if (file.GetTensor(name) is not { } t)
            {
                problems.Add($"required tensor '{name}' is missing; mtmd would crash the process at load");
                return null;
            }

            if (t.Dimensions is not [var a, var n, var c] || a != first || c != last || n < 1)
            {
                problems.Add($"tensor '{name}' has shape {Shape(t.Dimensions)}, expected [{first}, positions, {last}]; {WouldAbort}");
                return null;
            }

            CheckType(t);
            return n;
        }

        /// <summary>A 3x3 convolution kernel [3, 3, in, out]; returns its output channels.</summary>
        public long? Channels(string name, long inputChannels)
        {
            if (file.GetTensor(name) is not { } t)
            {
                problems.Add($"required tensor '{name}' is missing");
                return null;
            }

            if (t.Dimensions is not [3, 3, var cin, var cout] || cin != inputChannels || cout < 1)
            {
                problems.Add($"tensor '{name}' has shape {Shape(t.Dimensions)}, expected [3, 3, {inputChannels}, channels]; {WouldAbort}");
                return null;
            }

            CheckType(t);
            return cout;
        }

        /// <summary>Q, K, V (separate, or one fused QKV) and the output projection of an attention block.</summary>
        public void Attention(string block, long width, long queryWidth, long kvWidth)
        {
            if (file.GetTensor(block + "attn_qkv.weight") is not null)
            {
                Require(block + "attn_qkv.weight", width, queryWidth + (2 * kvWidth));
                Optional(block + "attn_qkv.bias", queryWidth + (2 * kvWidth));
            }
            else
            {
                Require(block + "attn_q.weight", width, queryWidth);
                Require(block + "attn_k.weight", width, kvWidth);
                Require(block + "attn_v.weight", width, kvWidth);
                Optional(block + "attn_q.bias", queryWidth);
                Optional(block + "attn_k.bias", kvWidth);
                Optional(block + "attn_v.bias", kvWidth);
            }

            Require(block + "attn_out.weight", queryWidth, width);
            Optional(block + "attn_out.bias", width);
        }

        /// <summary>An MLP: up [width, F], optional gate [width, F], down [F, width], F taken from the up projection.</summary>
        public void FeedForward(string block, string up, string down, string? gate, long width)
        {
            var name = block + up + ".weight";
            if (file.GetTensor(name) is not { } upTensor)
            {
                problems.Add($"required tensor '{name}' is missing");
                return;
            }

            if (upTensor.Dimensions is not [var w, var f] || w != width)
            {
                problems.Add($"tensor '{name}' has shape {Shape(upTensor.Dimensions)}, expected [{width}, feed-forward width]; {WouldAbort}");
                return;
            }

            Optional(block + up + ".bias", f);
            if (gate is not null)
            {
                Optional(block + gate + ".weight", width, f);
                Optional(block + gate + ".bias", f);
            }

            Require(block + down + ".weight", f, width);
            Optional(block + down + ".bias", width);
        }

        private void Check(string name, bool required, long[][] shapes)
        {
            if (file.GetTensor(name) is not { } t)
            {
                if (required)
                {
                    problems.Add($"required tensor '{name}' is missing");
                }

                return;
            }

            foreach (var shape in shapes)
            {
                if (SameShape(t.Dimensions, shape))
                {
                    CheckType(t);
                    return;
                }
            }

            problems.Add($"tensor '{name}' has shape {Shape(t.Dimensions)}, expected {string.Join(" or ", shapes.Select(s => Shape(s)))}; {WouldAbort}");
        }

        /// <summary>
        /// The types the graphs' CPU kernels take: a norm, bias or scale is multiplied or added element-wise to F32
        /// activations (ggml's binary ops abort on an F16 or quantized second operand), the conformer's depthwise kernel
        /// goes to ssm_conv (F32 only), and convolution kernels through im2col (F16 or F32). Matrices and the position
        /// table may have any type (matrix multiplication and row lookup take all of them); converters write exactly this.
        /// </summary>
        public void CheckType(GgufTensorInfo t)
        {
            var vector = t.Dimensions.Count(d => d != 1) <= 1;
            if ((vector || t.Name.EndsWith(".conv_dw.weight", StringComparison.Ordinal)) && t.Type != GgmlType.F32)
            {
                problems.Add($"tensor '{t.Name}' is {GgmlTypeInfo.Name(t.Type)}, but the encoder uses it in an operation that takes F32 only; {WouldAbort} at the first encode");
            }
            else if ((t.Name == "v.patch_embd.weight" || t.Name.StartsWith("a.conv1d.", StringComparison.Ordinal)) && t.Type is not (GgmlType.F32 or GgmlType.F16))
            {
                problems.Add($"tensor '{t.Name}' is {GgmlTypeInfo.Name(t.Type)}, but a convolution kernel must be F16 or F32; {WouldAbort} at the first encode");
            }
        }

        // ggml pads shapes with trailing 1s: [n] and [n, 1] are the same tensor.
        private static bool SameShape(IReadOnlyList<long> actual, long[] expected)
        {
            var n = Math.Max(actual.Count, expected.Length);
            for (var i = 0; i < n; i++)
            {
                var a = i < actual.Count ? actual[i] : 1;
                var e = i < expected.Length ? expected[i] : 1;
                if (a != e)
                {
                    return false;
                }
            }

            return true;
        }
    }

    private static string Shape(IReadOnlyList<long> dims) =>
        "[" + string.Join(", ", dims.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";

    private static string Describe(GgufValue value) =>
        value.AsArray() is { } a ? $"{a.ElementType} array" : value.Type.ToString();
}
