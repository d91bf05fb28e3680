using Gemma4.AI.Parsing;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Remote;

/// <summary>
/// Runs an engine's answer text through <see cref="Gemma4OutputParser"/>, so Gemma 4 markup that leaks into
/// <c>content</c> (an engine started without its Gemma 4 reasoning or tool-call parser) still comes out as reasoning and
/// tool calls. Text without markup passes through unchanged; a '&lt;' is held back only until the next piece shows it
/// starts no marker.
/// </summary>
internal sealed class LeakedMarkup
{
    private readonly Gemma4OutputParser _parser = new();
    private readonly List<AIContent> _parsed = [];
    private long _charsIn;
    private long _charsOut;

    /// <summary>Whether the parser found markup (a thought channel, a tool call, a control token) in the text so far.</summary>
    public bool Found { get; private set; }

    /// <summary>Whether the parsed text held tool calls.</summary>
    public bool HasToolCalls => _parser.HasToolCalls;

    public void Append(string text, List<AIContent> output)
    {
        _charsIn += text.Length;
        _parser.Append(text, _parsed);
        Drain(output);
    }

    public void Complete(List<AIContent> output)
    {
        _parser.Complete(_parsed);
        Drain(output);

        // The parser removes only markup, so fewer characters out than in means markup was there.
        Found |= _charsOut != _charsIn;
    }

    private void Drain(List<AIContent> output)
    {
        foreach (var content in _parsed)
        {
            switch (content)
            {
                case TextContent text:
                    _charsOut += text.Text.Length;
                    break;
                case TextReasoningContent or FunctionCallContent:
                    Found = true;
                    break;
                case { RawRepresentation: string cut }:
                    // A call the output cut off (the engine's parser leaves an unclosed call in the text, as vLLM does
                    // when max_tokens ends it): not a sign of a misconfigured engine.
                    _charsOut += cut.Length;
                    break;
            }

            output.Add(content);
        }

        _parsed.Clear();
    }
}
