namespace Gemma4.Samples;

/// <summary>The notice every --demo run starts with, so nobody mistakes random-weight output for Gemma's.</summary>
internal static class DemoBanner
{
    public static void Print()
    {
        Console.WriteLine("==================================================================");
        Console.WriteLine(" DEMO MODE: tiny Gemma 4 model(s) with RANDOM weights, generated on");
        Console.WriteLine(" this machine. They run the real llama.cpp, but answers are noise.");
        Console.WriteLine(" Without --demo (see --help) it runs a real Gemma 4 model.");
        Console.WriteLine("==================================================================");
    }
}
