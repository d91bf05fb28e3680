using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Gemma4.AI;
using Gemma4.Samples;
using Microsoft.Extensions.AI;

namespace Gemma4.Rag;

/// <summary>
/// One conversation over the documents. Every turn only appends to the history, so each follow-up's prompt starts with
/// the previous one and the engine reuses its KV cache (reported as cached tokens).
/// </summary>
internal sealed partial class RagConversation(IChatClient chat, Gemma4Model model, Retriever retriever, IReadOnlyList<StoredDocument> documents, RagSettings settings)
{
    private const string Instructions =
        "Answer the question from the numbered documents. Cite the documents you use like [2]. " +
        "If the documents do not contain the answer, say so.";

    private readonly List<ChatMessage> _history = [];
    private readonly Dictionary<string, int> _numbers = new(StringComparer.Ordinal);
    private int _turn;

    public async Task AskAsync(string question, CancellationToken cancellationToken)
    {
        _turn++;
        var ranked = await retriever.RankAsync(question, cancellationToken);
        var scores = Retriever.DocumentScores(ranked);
        var sources = settings.Mode == RagMode.Stuff ? AddStuffedTurn(question, scores) : AddRetrievedTurn(question, ranked);

        var options = new ChatOptions { MaxOutputTokens = settings.MaxTokens ?? 2048, Seed = settings.Seed };
        var updates = new List<ChatResponseUpdate>();
        var clock = Stopwatch.StartNew();
        TimeSpan? firstToken = null;
        await foreach (var update in chat.GetStreamingResponseAsync(_history, options, cancellationToken))
        {
            updates.Add(update);
            if (update.Text.Length > 0)
            {
                firstToken ??= clock.Elapsed;
                Console.Write(ConsoleText.Printable(update.Text, "\n"));
            }
        }

        var response = updates.ToChatResponse();
        _history.AddMessages(response);
        var usage = response.Usage;
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[turn {_turn}: time to first token {(firstToken ?? clock.Elapsed).TotalMilliseconds:0} ms, prompt {usage?.InputTokenCount} tokens ({usage?.CachedInputTokenCount ?? 0} cached), {usage?.OutputTokenCount} generated, {response.FinishReason}]"));
        Console.WriteLine("Sources: " + string.Join(", ", sources));
        var cited = CitationPattern().Matches(response.Text).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
            .Distinct().Select(n => _numbers.FirstOrDefault(kv => kv.Value == n).Key is { } path ? $"[{n}] {path}" : null).OfType<string>().ToList();
        Console.WriteLine("Cited in the answer: " + (cited.Count == 0 ? "none" : string.Join(", ", cited)));
    }

    /// <summary>Stuff: on the first turn, whole documents (most relevant first) fill the context budget; later turns just ask.</summary>
    private List<string> AddStuffedTurn(string question, Dictionary<string, float> scores)
    {
        if (_turn == 1)
        {
            // Leave room for the answer, the questions and follow-ups: about 120K of 131K tokens go to documents.
            var budget = settings.ContextSize - (settings.MaxTokens ?? 2048) - (settings.ContextSize / 16) - 256;
            var prompt = new StringBuilder(Instructions).Append("\n\n");
            var used = 0;
            foreach (var doc in documents.OrderByDescending(d => scores.GetValueOrDefault(d.Path)))
            {
                var block = $"[{_numbers.Count + 1}] {doc.Path}\n{doc.Text.Trim()}\n\n";
                var tokens = model.CountTokens(block);
                if (used + tokens > budget)
                {
                    continue; // too big for what is left; a smaller, less relevant one may still fit
                }

                _numbers[doc.Path] = _numbers.Count + 1;
                prompt.Append(block);
                used += tokens;
            }

            _history.Add(new ChatMessage(ChatRole.System, prompt.ToString().TrimEnd()));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Context: {_numbers.Count} of {documents.Count} documents, {used} tokens (budget {budget} of a {settings.ContextSize}-token context)."));
        }

        _history.Add(new ChatMessage(ChatRole.User, question));
        return [.. _numbers.Keys
            .OrderByDescending(p => scores.GetValueOrDefault(p))
            .Take(3)
            .Select(p => string.Create(CultureInfo.InvariantCulture, $"[{_numbers[p]}] {p} ({scores.GetValueOrDefault(p):0.00})"))
            .Append(_numbers.Count > 3 ? $"and {_numbers.Count - 3} more documents in the context" : null)
            .OfType<string>()];
    }

    /// <summary>Retrieve: the top-k chunks go into this turn's message, numbered by document across the conversation.</summary>
    private List<string> AddRetrievedTurn(string question, List<ScoredChunk> ranked)
    {
        var top = ranked.Take(settings.TopK).ToList();
        var message = new StringBuilder(_turn == 1 ? Instructions + "\n\n" : string.Empty);
        foreach (var (chunk, _) in top)
        {
            var n = _numbers.TryGetValue(chunk.DocumentPath, out var known) ? known : _numbers[chunk.DocumentPath] = _numbers.Count + 1;
            message.Append(CultureInfo.InvariantCulture, $"[{n}] {chunk.DocumentPath} (part {chunk.Ordinal + 1} of {chunk.Count})\n{chunk.Text.Trim()}\n\n");
        }

        message.Append("Question: ").Append(question);
        _history.Add(new ChatMessage(ChatRole.User, message.ToString()));
        return [.. top.Select(s => string.Create(CultureInfo.InvariantCulture,
            $"[{_numbers[s.Chunk.DocumentPath]}] {s.Chunk.DocumentPath} part {s.Chunk.Ordinal + 1}/{s.Chunk.Count} ({s.Score:0.00})"))];
    }

    [GeneratedRegex(@"\[(\d{1,4})\]")]
    private static partial Regex CitationPattern();
}
