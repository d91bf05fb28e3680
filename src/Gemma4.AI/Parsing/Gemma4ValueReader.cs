using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Gemma4.AI.Formatting;

namespace Gemma4.AI.Parsing;

/// <summary>
/// Reads Gemma 4's value syntax (what the chat template's <c>format_argument</c> writes) and writes it as JSON.
/// </summary>
/// <remarks>
/// <para>Grammar, whitespace allowed between tokens:</para>
/// <list type="bullet">
/// <item>string: <c>&lt;|"|&gt;raw text&lt;|"|&gt;</c>; leniently also a JSON <c>"…"</c> string.</item>
/// <item>number: as Python prints it (<c>3</c>, <c>-2</c>, <c>3.0</c>, <c>1e-05</c>); it must also be a valid JSON number,
/// so <c>inf</c> and <c>nan</c> are rejected.</item>
/// <item><c>true</c>, <c>false</c>, <c>null</c>; <c>[a,b]</c>; <c>{key:value}</c> with bare or quoted keys. A trailing comma is
/// accepted.</item>
/// <item>A call's arguments may also be <c>(key=value,…)</c>, a form larger models drift to; values are as above.</item>
/// </list>
/// <para>Errors throw <see cref="FormatException"/>; nesting is limited to <see cref="MaxDepth"/> so hostile input
/// cannot overflow the stack.</para>
/// </remarks>
internal ref struct Gemma4ValueReader
{
    /// <summary>The deepest nesting of objects and arrays accepted (System.Text.Json's default).</summary>
    public const int MaxDepth = 64;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Arguments are data, not HTML: keep non-ASCII text readable in GetRawText().
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        MaxDepth = MaxDepth + 1,
    };

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth + 1 };

    private readonly ReadOnlySpan<char> _text;
    private int _position;

    /// <summary>Creates a reader over <paramref name="text"/>.</summary>
    public Gemma4ValueReader(ReadOnlySpan<char> text) => _text = text;

    /// <summary>Whether everything has been read.</summary>
    public readonly bool AtEnd => _position >= _text.Length;

    /// <summary>Skips JSON whitespace.</summary>
    public void SkipWhitespace()
    {
        while (_position < _text.Length && IsWhitespace(_text[_position]))
        {
            _position++;
        }
    }

    /// <summary>Consumes <paramref name="c"/> if it comes next.</summary>
    public bool TryConsume(char c)
    {
        if (_position < _text.Length && _text[_position] == c)
        {
            _position++;
            return true;
        }

        return false;
    }

    /// <summary>Consumes <paramref name="word"/>, then optional whitespace and a colon, if they come next.</summary>
    public bool TryConsumeLabel(string word)
    {
        var start = _position;
        if (_text[_position..].StartsWith(word, StringComparison.Ordinal))
        {
            _position += word.Length;
            SkipWhitespace();
            if (TryConsume(':'))
            {
                return true;
            }
        }

        _position = start;
        return false;
    }

    /// <summary>Reads a function name: letters, digits and <c>_-.:/@$</c>; empty when none come next.</summary>
    public string ReadName()
    {
        var start = _position;
        while (_position < _text.Length && Gemma4ToolName.IsNameChar(_text[_position]))
        {
            _position++;
        }

        return _text[start.._position].ToString();
    }

    /// <summary>Reads the members of an object whose <c>{</c> has been consumed, through its <c>}</c>, into
    /// <paramref name="arguments"/> as <see cref="JsonElement"/>s. Members read before an error stay in it.</summary>
    /// <param name="arguments">Receives the members.</param>
    /// <param name="keywordArguments">True when a <c>(</c> was consumed instead: the members are <c>key=value</c>
    /// through <c>)</c>, with values in the same syntax.</param>
    public void ReadArguments(IDictionary<string, object?> arguments, bool keywordArguments = false)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using var writer = new Utf8JsonWriter(buffer, WriterOptions);
        var first = true;
        while (NextMember(ref first, out var key, keywordArguments))
        {
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            ReadValue(writer, depth: 1);
            writer.Flush();
            using var document = JsonDocument.Parse(buffer.WrittenMemory, DocumentOptions);
            arguments[key] = document.RootElement.Clone();
        }
    }

    /// <summary>Reads one value and writes it to <paramref name="writer"/>.</summary>
    /// <param name="writer">Where the value goes, as JSON.</param>
    /// <param name="depth">How many objects and arrays enclose the value.</param>
    public void ReadValue(Utf8JsonWriter writer, int depth)
    {
        SkipWhitespace();
        if (AtEnd)
        {
            throw Error("a value");
        }

        var c = _text[_position];
        switch (c)
        {
            case '<' or '"':
                writer.WriteStringValue(ReadString());
                break;
            case '{':
                _position++;
                CheckDepth(depth + 1);
                writer.WriteStartObject();
                for (var first = true; NextMember(ref first, out var key);)
                {
                    writer.WritePropertyName(key);
                    ReadValue(writer, depth + 1);
                }

                writer.WriteEndObject();
                break;
            case '[':
                _position++;
                CheckDepth(depth + 1);
                writer.WriteStartArray();
                for (var first = true; NextElement(ref first);)
                {
                    ReadValue(writer, depth + 1);
                }

                writer.WriteEndArray();
                break;
            case 't':
                ExpectWord("true");
                writer.WriteBooleanValue(true);
                break;
            case 'f':
                ExpectWord("false");
                writer.WriteBooleanValue(false);
                break;
            case 'n':
                ExpectWord("null");
                writer.WriteNullValue();
                break;
            case '-' or (>= '0' and <= '9'):
                writer.WriteRawValue(ReadNumber(), skipInputValidation: true);
                break;
            default:
                throw Error("a value");
        }
    }

    // Steps to the next "key:" of an object whose '{' has been read, or with keywordArgument to the next "key=" of a
    // keyword argument list whose '(' has been read; false at its '}' or ')'. A trailing comma is accepted.
    private bool NextMember(ref bool first, out string key, bool keywordArgument = false)
    {
        key = string.Empty;
        if (!NextItem(ref first, keywordArgument ? ')' : '}'))
        {
            return false;
        }

        key = keywordArgument ? ReadKeywordKey() : ReadKey();
        SkipWhitespace();
        Expect(keywordArgument ? '=' : ':');
        return true;
    }

    // A keyword argument's key: quoted as an object key may be, else bare up to '=' (no structure inside).
    private string ReadKeywordKey()
    {
        SkipWhitespace();
        if (AtQuotedString)
        {
            return ReadString();
        }

        var start = _position;
        while (_position < _text.Length && _text[_position] is not ('=' or ',' or '(' or ')' or ' ' or '\t' or '\n' or '\r'))
        {
            _position++;
        }

        return _position > start ? _text[start.._position].ToString() : throw Error("a key followed by '='");
    }

    // Steps to the next element of an array whose '[' has been read; false at its ']'.
    private bool NextElement(ref bool first) => NextItem(ref first, ']');

    private bool NextItem(ref bool first, char close)
    {
        SkipWhitespace();
        if (!first && !TryConsume(','))
        {
            Expect(close);
            return false;
        }

        first = false;
        SkipWhitespace();
        return !TryConsume(close);
    }

    // Whether a string (JSON-quoted or <|"|>-quoted) starts here.
    private readonly bool AtQuotedString =>
        !AtEnd && (_text[_position] == '"' || _text[_position..].StartsWith(Gemma4Tokens.Quote, StringComparison.Ordinal));

    private string ReadKey()
    {
        SkipWhitespace();
        if (AtEnd)
        {
            throw Error("a key");
        }

        if (AtQuotedString)
        {
            return ReadString();
        }

        // A bare key runs to the colon; the template writes keys unquoted, so anything but structure may be in it,
        // colons included ("a:b:<|"|>v<|"|>" is key "a:b"): a colon ends the key only where a value can start.
        var start = _position;
        while (true)
        {
            while (_position < _text.Length && _text[_position] is not (':' or '{' or '}' or '[' or ']' or ',' or '"' or '\n' or '\r'))
            {
                _position++;
            }

            if (_position >= _text.Length || _text[_position] != ':' || ValueStartsAt(_position + 1))
            {
                break;
            }

            _position++;
        }

        var key = _text[start.._position].TrimEnd(" \t");
        if (key.IsEmpty || AtEnd || _text[_position] != ':' || key.Contains(Gemma4Tokens.Quote, StringComparison.Ordinal))
        {
            _position = start;
            throw Error("a key followed by ':'");
        }

        return key.ToString();
    }

    // Whether a value (as ReadValue reads it) can begin at index i, after optional whitespace.
    private bool ValueStartsAt(int i)
    {
        while (i < _text.Length && _text[i] is ' ' or '\t')
        {
            i++;
        }

        if (i >= _text.Length)
        {
            return true; // truncated: let the caller report it
        }

        var rest = _text[i..];
        if (rest[0] is '"' or '{' or '[' or '-' or (>= '0' and <= '9') || rest.StartsWith(Gemma4Tokens.Quote, StringComparison.Ordinal))
        {
            return true;
        }

        foreach (var word in (ReadOnlySpan<string>)["true", "false", "null"])
        {
            if (rest.StartsWith(word, StringComparison.Ordinal) && (rest.Length == word.Length || rest[word.Length] is ',' or '}' or ']' or ' ' or '\t' or '\n' or '\r'))
            {
                return true;
            }
        }

        return false;
    }

    private string ReadString()
    {
        if (_text[_position..].StartsWith(Gemma4Tokens.Quote, StringComparison.Ordinal))
        {
            // Raw text up to the next quote token: the model cannot write that token inside a string.
            _position += Gemma4Tokens.Quote.Length;
            var length = _text[_position..].IndexOf(Gemma4Tokens.Quote, StringComparison.Ordinal);
            if (length < 0)
            {
                throw Error("the closing " + Gemma4Tokens.Quote);
            }

            var value = _text.Slice(_position, length).ToString();
            _position += length + Gemma4Tokens.Quote.Length;
            return value;
        }

        if (TryConsume('"'))
        {
            return ReadJsonStringBody();
        }

        throw Error("a string");
    }

    // Lenient: a JSON string the model wrote instead of <|"|>…<|"|>. Raw control characters are kept as they are.
    private string ReadJsonStringBody()
    {
        var builder = new StringBuilder();
        while (_position < _text.Length)
        {
            var c = _text[_position++];
            if (c == '"')
            {
                return builder.ToString();
            }

            if (c != '\\')
            {
                builder.Append(c);
                continue;
            }

            if (AtEnd)
            {
                break;
            }

            var escaped = _text[_position++];
            switch (escaped)
            {
                case '"' or '\\' or '/':
                    builder.Append(escaped);
                    break;
                case 'b':
                    builder.Append('\b');
                    break;
                case 'f':
                    builder.Append('\f');
                    break;
                case 'n':
                    builder.Append('\n');
                    break;
                case 'r':
                    builder.Append('\r');
                    break;
                case 't':
                    builder.Append('\t');
                    break;
                case 'u' when _position + 4 <= _text.Length
                    && ushort.TryParse(_text.Slice(_position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code):
                    builder.Append((char)code);
                    _position += 4;
                    break;
                default:
                    _position -= 2;
                    throw Error("a valid escape sequence");
            }
        }

        throw Error("the closing '\"'");
    }

    private ReadOnlySpan<char> ReadNumber()
    {
        var start = _position;
        while (_position < _text.Length && _text[_position] is (>= '0' and <= '9') or '-' or '+' or '.' or 'e' or 'E')
        {
            _position++;
        }

        var number = _text[start.._position];
        if (!IsJsonNumber(number))
        {
            _position = start;
            throw Error("a number");
        }

        return number;
    }

    // JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? — which covers everything Python prints
    // for int and float except inf and nan, which JSON cannot carry.
    private static bool IsJsonNumber(ReadOnlySpan<char> s)
    {
        var i = 0;
        if (i < s.Length && s[i] == '-')
        {
            i++;
        }

        if (i < s.Length && s[i] == '0')
        {
            i++;
        }
        else if (!SkipDigits(s, ref i))
        {
            return false;
        }

        if (i < s.Length && s[i] == '.')
        {
            i++;
            if (!SkipDigits(s, ref i))
            {
                return false;
            }
        }

        if (i < s.Length && s[i] is 'e' or 'E')
        {
            i++;
            if (i < s.Length && s[i] is '+' or '-')
            {
                i++;
            }

            if (!SkipDigits(s, ref i))
            {
                return false;
            }
        }

        return i == s.Length;
    }

    private static bool SkipDigits(ReadOnlySpan<char> s, ref int i)
    {
        var start = i;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
        }

        return i > start;
    }

    private void ExpectWord(string word)
    {
        if (!_text[_position..].StartsWith(word, StringComparison.Ordinal))
        {
            throw Error("a value");
        }

        _position += word.Length;
    }

    private void Expect(char c)
    {
        if (!TryConsume(c))
        {
            throw Error("'" + c + "'");
        }
    }

    private readonly void CheckDepth(int depth)
    {
        if (depth > MaxDepth)
        {
            throw new FormatException($"Arguments are nested deeper than {MaxDepth} levels (at offset {_position}).");
        }
    }

    private readonly FormatException Error(string expected) =>
        new(AtEnd
            ? $"Expected {expected} at offset {_position}, but the arguments ended."
            : $"Expected {expected} at offset {_position}, found '{_text[_position]}'.");

    private static bool IsWhitespace(char c) => c is ' ' or '\t' or '\n' or '\r';

}
