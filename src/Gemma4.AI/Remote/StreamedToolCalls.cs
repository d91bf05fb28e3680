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

    /// <summary>The complete calls, in index order; fragments without a function name are dropped.</summary>
    public IEnumerable<FunctionCallContent> Complete()
    {
        foreach (var fragment in _calls.Values)
        {
            if (fragment.Name is null)
            {
                continue;
            }

            yield return ToCall(fragment.Id, fragment.Name, fragment.Arguments.ToString());
        }

        _calls.Clear();
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
