using System.Text;
using System.Text.Json;
using Gemma4.AI.Parsing;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Remote;

/// <summary>
/// Collects OpenAI-style streamed tool-call fragments (id and name once, arguments in pieces, keyed by <c>index</c>) and
/// turns them into whole <see cref="FunctionCallContent"/>s at the end, as <see cref="FunctionInvokingChatClient"/> expects.
/// </summary>
internal sealed class StreamedToolCalls
{
    private readonly SortedDictionary<long, Fragment> _calls = [];

    public bool IsEmpty => _calls.Count == 0;

    /// <summary>Adds the fragments of one <c>tool_calls</c> array (a delta's, or a whole message's).</summary>
    public void Add(JsonElement toolCalls)
    {
        foreach (var call in toolCalls.EnumerateArray())
        {
            if (call.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var function = call.TryObject("function", out var f) ? f : call;
            var key = call.Int64("index") ?? FindById(call.String("id")) ?? KeyWithoutIndex(function);
            if (!_calls.TryGetValue(key, out var fragment))
            {
                _calls[key] = fragment = new Fragment();
            }

            fragment.Id ??= call.String("id") is { Length: > 0 } id ? id : null;
            if (fragment.Name is null && function.String("name") is { Length: > 0 } name)
            {
                fragment.Name = name;
            }

            if (function.ValueKind == JsonValueKind.Object && function.TryGetProperty("arguments", out var arguments))
            {
                if (arguments.ValueKind == JsonValueKind.String)
                {
                    fragment.Arguments.Append(arguments.GetString());
                }
                else if (arguments.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                {
                    // Not OpenAI's shape (arguments are a JSON text there), but some servers send the object itself.
                    fragment.Arguments.Clear().Append(arguments.GetRawText());
                }
            }
        }
    }

    /// <summary>
    /// Adds the calls to <paramref name="output"/> in index order and forgets them. A call the output cut off is not a
    /// call (as in-process, docs/contracts.md "Tool calls cut off"): its arguments are an unfinished JSON text; or it is
    /// the last call and the engine said the token limit ended the output (<paramref name="lengthReported"/>: an engine
    /// may repair a cut call's arguments, as Ollama does, so a cut call cannot always be told from a closed one); or it is
    /// the last call, all <paramref name="allTokensUsed"/> and its arguments never started (vLLM says <c>tool_calls</c>
    /// even when the limit cut the call, and streams a name before any argument; a closed call has at least <c>{}</c>).
    /// Such a call is added as a plain <see cref="AIContent"/> whose <see cref="AIContent.RawRepresentation"/> is the call
    /// as it arrived (a JSON string: id, name, arguments), so nothing invokes it. Fragments without a function name are dropped.
    /// </summary>
    /// <returns>Whether a call was cut off.</returns>
    public bool Complete(bool lengthReported, bool allTokensUsed, List<AIContent> output)
    {
        var last = _calls.LastOrDefault(static c => c.Value.Name is not null).Key;
        var cut = false;
        foreach (var (key, fragment) in _calls)
        {
            if (fragment.Name is null)
            {
                continue;
            }

            var arguments = fragment.Arguments.ToString();
            var lastCut = key == last && (lengthReported || (allTokensUsed && string.IsNullOrWhiteSpace(arguments)));
            if (lastCut || IsUnfinishedJson(arguments))
            {
                cut = true;
                var raw = new System.Text.Json.Nodes.JsonObject { ["id"] = fragment.Id, ["name"] = fragment.Name, ["arguments"] = arguments };
                output.Add(new AIContent { RawRepresentation = raw.ToJsonString() });
                continue;
            }

            output.Add(ToCall(fragment.Id, fragment.Name, arguments));
        }

        _calls.Clear();
        return cut;
    }

    /// <summary>
    /// Whether <paramref name="json"/> is the start of a JSON value that was never finished (<c>{"location": "Pa</c>):
    /// what an engine streams when the output ends inside a call. Complete JSON, empty text and malformed JSON are not.
    /// </summary>
    internal static bool IsUnfinishedJson(string json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return false;
        }

        var bytes = Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(bytes, isFinalBlock: false, state: default);
        try
        {
            while (reader.Read())
            {
            }
        }
        catch (JsonException)
        {
            return false; // malformed, not cut: the call carries the parse error instead
        }

        // Finished: a whole top-level value was read (an object, or what some servers send instead: null, a string
        // holding the JSON again, which then fails as a call, not as a cut) and only whitespace follows.
        var finished = reader.CurrentDepth == 0
            && reader.TokenType is not (JsonTokenType.None or JsonTokenType.StartObject or JsonTokenType.StartArray or JsonTokenType.PropertyName or JsonTokenType.Comment)
            && bytes.AsSpan((int)reader.BytesConsumed).Trim(" \t\r\n"u8).IsEmpty;
        return !finished;
    }

    /// <summary>A call from its id (a new one when missing), name and arguments as JSON text (empty means none).</summary>
    public static FunctionCallContent ToCall(string? id, string name, string arguments)
    {
        var json = string.IsNullOrWhiteSpace(arguments) ? "{}" : arguments;
        var call = FunctionCallContent.CreateFromParsedArguments(json, id ?? ToolCallIds.NewId(), name, static text =>
            JsonSerializer.Deserialize(text, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<Dictionary<string, object?>>)RemoteJson.WriteOptions.GetTypeInfo(typeof(Dictionary<string, object?>))));
        call.RawRepresentation = arguments;
        return call;
    }

    // A call without index or id: a new call when it names a function (engines that send calls whole), otherwise more
    // arguments for the last one.
    private long KeyWithoutIndex(JsonElement function) =>
        _calls.Count == 0 ? 0
        : function.String("name") is { Length: > 0 } ? _calls.Keys.Max() + 1
        : _calls.Keys.Max();

    private long? FindById(string? id)
    {
        if (id is null)
        {
            return null;
        }

        foreach (var (key, fragment) in _calls)
        {
            if (fragment.Id == id)
            {
                return key;
            }
        }

        return null;
    }

    private sealed class Fragment
    {
        public string? Id { get; set; }

        public string? Name { get; set; }

        public StringBuilder Arguments { get; } = new();
    }
}
