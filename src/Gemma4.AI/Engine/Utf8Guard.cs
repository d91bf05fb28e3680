namespace Gemma4.AI.Engine;

/// <summary>
/// Tracks the UTF-8 state of a generation's output so the sampler can keep it valid: byte-fallback tokens may only
/// start a character with a valid lead byte and continue one with the bytes UTF-8 allows there; while a character is
/// incomplete, nothing else may follow (not even the end of the turn).
/// </summary>
/// <remarks>
/// Real models rarely write invalid UTF-8, but nothing stops them (or a random-weight test model); a grammar does not
/// either, since llama.cpp's grammar decodes overlong and out-of-range sequences leniently. Invalid bytes would reach
/// callers as U+FFFD and break length limits a schema set.
/// </remarks>
internal struct Utf8Guard
{
    private int _remaining;
    private byte _low;
    private byte _high;

    /// <summary>True while a character is incomplete.</summary>
    public readonly bool InsideCharacter => _remaining > 0;

    /// <summary>The range the next byte must be in while <see cref="InsideCharacter"/>.</summary>
    public readonly (byte Low, byte High) NextRange => (_low, _high);

    /// <summary>Whether a byte may start a character (ASCII or a valid lead byte).</summary>
    public static bool IsValidStart(int value) => value < 0x80 || value is >= 0xC2 and <= 0xF4;

    /// <summary>Advances over the bytes of a sampled token.</summary>
    public void Advance(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (_remaining > 0)
            {
                _remaining = b >= _low && b <= _high ? _remaining - 1 : 0;
                (_low, _high) = (0x80, 0xBF);
                continue;
            }

            (_remaining, _low, _high) = b switch
            {
                >= 0xC2 and <= 0xDF => (1, (byte)0x80, (byte)0xBF),
                0xE0 => (2, (byte)0xA0, (byte)0xBF),
                0xED => (2, (byte)0x80, (byte)0x9F),
                >= 0xE1 and <= 0xEF => (2, (byte)0x80, (byte)0xBF),
                0xF0 => (3, (byte)0x90, (byte)0xBF),
                >= 0xF1 and <= 0xF3 => (3, (byte)0x80, (byte)0xBF),
                0xF4 => (3, (byte)0x80, (byte)0x8F),
                _ => (0, (byte)0, (byte)0),
            };
        }
    }
}
