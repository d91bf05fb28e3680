using Gemma4.AI.Fuzz;
using SharpFuzz;

// The AFL++ harness (scripts/fuzz/run.sh drives it; docs/fuzzing.md):
//   seeds TARGET DIR      write TARGET's seed corpus into DIR
//   run TARGET            serve afl-fuzz (SharpFuzz's fork server): each input parsed, documented refusals swallowed
//   repro TARGET FILE...  parse files in-process and say what each does (crash triage, regression tests)
if (args is not [var command, var name, ..])
{
    Console.Error.WriteLine("Usage: Gemma4.AI.Fuzz (seeds TARGET DIR | run TARGET | repro TARGET FILE...); targets: "
        + string.Join(", ", FuzzTargets.All.Select(t => t.Name)));
    return 2;
}

var target = FuzzTargets.Find(name);
switch (command)
{
    case "seeds" when args.Length == 3:
        target.WriteSeeds(args[2]);
        Console.WriteLine($"{Directory.GetFiles(args[2]).Length} seeds for {target.Name} in {args[2]}");
        return 0;

    case "run":
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            target.Execute(buffer.ToArray());
        });
        return 0;

    case "repro":
        var crashes = 0;
        foreach (var file in args[2..])
        {
            try
            {
                Console.WriteLine($"{file}: {(target.Execute(File.ReadAllBytes(file)) ? "accepted" : "refused as documented")}");
            }
            catch (Exception e)
            {
                crashes++;
                Console.WriteLine($"{file}: CRASH {e.GetType().FullName}: {e.Message}\n{e.StackTrace}");
            }
        }

        return crashes == 0 ? 0 : 1;

    default:
        Console.Error.WriteLine($"Unknown command '{command}'.");
        return 2;
}
