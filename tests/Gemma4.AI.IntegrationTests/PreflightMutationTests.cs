using System.Buffers.Binary;
using System.Diagnostics;
using Gemma4.AI.Gguf;
using Gemma4.AI.TestModels;

namespace Gemma4.AI.IntegrationTests;

/// <summary>
/// The property the fuzzing campaigns check (docs/fuzzing.md), as a quick deterministic test in CI: a valid model or
/// projector file mutated in thousands of ways is accepted or refused with <see cref="GgufFormatException"/> /
/// <see cref="Gemma4ModelLoadException"/>, never with another exception, and never slowly.
/// </summary>
public sealed class PreflightMutationTests
{
    private const int Mutations = 4000;

    // Values that break length, count and offset arithmetic: zero, one, sign and width boundaries, all ones.
    private static readonly ulong[] Interesting =
        [0, 1, 2, 7, 8, 31, 32, 0x7F, 0x80, 0xFF, 0x7FFF, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 1UL << 32, 1UL << 62, long.MaxValue, 1UL << 63, ulong.MaxValue];

    [Theory]
    [InlineData(TestModelKind.Gemma4, 11)]
    [InlineData(TestModelKind.GemmaEmbedding, 12)]
    public void Validate_MutatedMinimalModel_OnlyDocumentedRefusals(TestModelKind kind, int seed)
    {
        var spec = kind == TestModelKind.Gemma4 ? TinyModelSpec.Minimal : TinyModelSpec.Minimal with { Name = "gemma-embedding-minimal-test" };
        MutateAndValidate(File.ReadAllBytes(TestModels.TestModels.GetOrCreate(kind, spec)), seed, file => Gemma4GgufPreflight.Validate(file, "mutated.gguf"));
    }

    [Fact]
    public void Validate_MutatedProjector_OnlyDocumentedRefusals()
    {
        // A projector with both encoders over the minimal model (16 wide), as the fuzzing target's seeds.
        var projector = TinyProjectorSpec.Default with
        {
            VisionWidth = 8, VisionFeedForward = 16, PatchSize = 4, PositionTableSize = 48,
            AudioWidth = 8, AudioFeedForward = 16, MelBins = 8, ConvChannels0 = 4, ConvChannels1 = 2,
        };
        var original = File.ReadAllBytes(TestModels.TestModels.Projector(projector, TinyModelSpec.Minimal));

        MutateAndValidate(original, 13, file => Gemma4.AI.Multimodal.ProjectorPreflight.Validate(file, "mutated.gguf", TinyModelSpec.Minimal.HiddenSize, 16));
    }

    private static void MutateAndValidate(byte[] original, int seed, Action<GgufFile> validate)
    {
        var header = (int)GgufReader.Read(new MemoryStream(original)).DataOffset;
        var random = new Random(seed);
        var outcomes = new Dictionary<string, int>();

        for (var i = 0; i < Mutations; i++)
        {
            var (input, what) = Mutate(original, header, random);
            var clock = Stopwatch.StartNew();
            var outcome = Run(input, $"mutation {i}: {what}", validate);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"mutation {i} ({what}) took {clock.Elapsed}");
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        // The mutations reach both sides: some files still pass, most are refused.
        Assert.True(outcomes.GetValueOrDefault("accepted") > 0, string.Join(", ", outcomes));
        Assert.True(outcomes.GetValueOrDefault("refused") > Mutations / 2, string.Join(", ", outcomes));
    }

    private static string Run(byte[] input, string what, Action<GgufFile> validate)
    {
        try
        {
            validate(GgufReader.Read(new MemoryStream(input), "mutated.gguf"));
            return "accepted";
        }
        catch (Exception e) when (e is GgufFormatException or Gemma4ModelLoadException)
        {
            return "refused";
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"{what}: the preflight threw {e.GetType().Name}, which it does not document", e);
        }
    }

    /// <summary>One mutation of the header region (where every parsed byte is), or a cut anywhere.</summary>
    private static (byte[] Input, string What) Mutate(byte[] original, int header, Random random)
    {
        var at = random.Next(header);
        switch (random.Next(6))
        {
            case 0:
            {
                var bytes = (byte[])original.Clone();
                var bit = random.Next(8);
                bytes[at] ^= (byte)(1 << bit);
                return (bytes, $"bit {bit} of byte {at} flipped");
            }

            case 1:
            {
                var bytes = (byte[])original.Clone();
                var value = (byte)Interesting[random.Next(Interesting.Length)];
                bytes[at] = value;
                return (bytes, $"byte {at} = {value}");
            }

            case 2:
            {
                var bytes = (byte[])original.Clone();
                var value = Interesting[random.Next(Interesting.Length)];
                at = Math.Min(at, header - 8);
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at), value);
                return (bytes, $"u64 at {at} = {value}");
            }

            case 3:
            {
                var bytes = (byte[])original.Clone();
                var value = (uint)Interesting[random.Next(Interesting.Length)];
                at = Math.Min(at, header - 4);
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), value);
                return (bytes, $"u32 at {at} = {value}");
            }

            case 4:
            {
                var length = random.Next(original.Length);
                return (original[..length], $"cut to {length} bytes");
            }

            default:
            {
                // A run of header bytes copied over another place: keys, types and lengths in the wrong spots.
                var bytes = (byte[])original.Clone();
                var from = random.Next(header);
                var count = Math.Min(random.Next(1, 64), Math.Min(header - from, header - at));
                Array.Copy(original, from, bytes, at, count);
                return (bytes, $"{count} bytes from {from} copied to {at}");
            }
        }
    }
}
