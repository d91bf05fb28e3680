using Gemma4.AI.Engine;
using Gemma4.AI.Formatting;

namespace Gemma4.AI.Chat;

/// <summary>One chat call, ready for the engine: the rendered prompt, the request, and how to present the output.</summary>
internal sealed record ChatTurn(Gemma4Prompt Prompt, GenerationRequest Request, bool ShowReasoning);
