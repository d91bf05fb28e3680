namespace Gemma4.AI.TestModels;

/// <summary>The text the test tokenizer's BPE merges are learned from: varied enough for realistic pieces.</summary>
internal static class TrainingCorpus
{
    public const string Text = """
        The quick brown fox jumps over the lazy dog. A small language model runs inside the process, and every
        request shares the same context. When the user asks a question, the model answers with a short reply and
        then waits for the next turn. Tools can be called with arguments, and their results come back as text.
        What is the weather like in Paris today? It is sunny, with a light breeze from the west and about twenty
        degrees. Please write a function that returns the sum of two numbers, and explain how it works.
        Sliding window attention keeps the cache small: most layers only look at the last few hundred tokens,
        while a few global layers see the whole conversation. The tokenizer turns text into pieces and back.
        Les élèves étudient à l'école. Où est la bibliothèque ? Ça coûte cher, mais c'est très intéressant.
        Die Straße ist schön, und die Bäume blühen im Frühling. Über den Wolken muss die Freiheit wohl grenzenlos sein.
        El niño comió una manzana. ¿Dónde está la estación? Mañana vamos a la playa con nuestros amigos.
        Numbers such as 1, 2, 3, 42, 100 and 2048 appear in text; so do dates like 2026-07-15 and times like 09:30.
        Code looks different: if (x > 0) { return x * 2; } else { return -x; } // done
        def add(a, b): return a + b
        {"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}
        Emoji show up in chats too 😀 👍 🎉 ❤️ and so do symbols like € £ ¥ © ® ™ → ← ✓.
        Once upon a time there was a model that learned to speak. It read many books, and it wrote stories of its
        own. The stories were short, but they were kind, and people liked to read them in the evening.
        """;
}
