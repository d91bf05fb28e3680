using System.Text.Json.Nodes;

namespace Gemma4.AI.Remote;

/// <summary><c>chat_template_kwargs</c>: the Gemma 4 template's own switches, which vLLM and llama-server pass to it.</summary>
internal static class ChatTemplateKwargs
{
    /// <summary>Writes <c>enable_thinking</c> (always: the engines' defaults differ) and <c>preserve_thinking</c> (when on).</summary>
    /// <remarks>Keys the caller already put into <c>chat_template_kwargs</c> (through RawRepresentationFactory) are kept.</remarks>
    public static void Write(JsonObject body, bool thinking, bool preserveThinking)
    {
        if (body["chat_template_kwargs"] is not JsonObject kwargs)
        {
            body["chat_template_kwargs"] = kwargs = new JsonObject();
        }

        kwargs.TryAdd("enable_thinking", thinking);
        if (preserveThinking)
        {
            kwargs.TryAdd("preserve_thinking", true);
        }
    }
}
