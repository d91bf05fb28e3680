using System.Collections.Concurrent;
using Gemma4.AI.Lora;
using Microsoft.Extensions.Logging;

namespace Gemma4.AI.Engine;

/// <summary>
/// LoRA adapters in the decode loop. llama.cpp applies one adapter set to the whole context per decode, so a step only
/// decodes the sequences whose requests use the same set; when requests with different sets are active, steps rotate
/// over the sets round-robin (in order of admission), and the context's adapters are switched between steps.
/// </summary>
/// <remarks>
/// <para>Cost: with k different sets active, each set gets every k-th step, so each of its sequences makes 1/k of the
/// progress it would make alone in the batch; and a switch makes llama.cpp plan its compute graph again at the next
/// decode (a scheduler reserve). One set (or none) active costs nothing: the set is applied once and never switched.</para>
/// <para>Unloaded adapters are freed here, between two decodes, once no request holds them.</para>
/// </remarks>
internal sealed partial class InferenceEngine
{
    private readonly ConcurrentQueue<Gemma4LoraAdapter> _retiredAdapters = new();
    private readonly List<AdapterSet> _adapterGroups = [];
    private AdapterSet _appliedAdapters = AdapterSet.None;
    private AdapterSet _stepAdapters = AdapterSet.None;
    private long _adapterSwitches;

    /// <summary>How many times the context's adapter set changed (diagnostics and tests).</summary>
    public long AdapterSwitches => Interlocked.Read(ref _adapterSwitches);

    /// <summary>Frees <paramref name="adapter"/> on the decode thread before the next step (no request uses it any more).</summary>
    public void RetireAdapter(Gemma4LoraAdapter adapter)
    {
        _retiredAdapters.Enqueue(adapter);
        if (!_disposing)
        {
            _wake.Release();
        }
    }

    /// <summary>Chooses the adapter set this step decodes and puts it on the context.</summary>
    private void BeginAdapterStep()
    {
        _stepAdapters = NextAdapterGroup();
        if (!_appliedAdapters.Equals(_stepAdapters))
        {
            _stepAdapters.ApplyTo(_context);
            _appliedAdapters = _stepAdapters;
            Interlocked.Increment(ref _adapterSwitches);
            Log.AdaptersSwitched(_logger, _stepAdapters);
        }
    }

    private bool InAdapterStep(ActiveGeneration g) => g.Request.Adapters.Equals(_stepAdapters);

    /// <summary>The set after the one that ran last, in order of first appearance among the active requests.</summary>
    private AdapterSet NextAdapterGroup()
    {
        var first = _active[0].Request.Adapters;
        if (_active.TrueForAll(g => g.Request.Adapters.Equals(first)))
        {
            return first; // the usual case: one set, no rotation
        }

        _adapterGroups.Clear();
        foreach (var g in _active)
        {
            if (!_adapterGroups.Contains(g.Request.Adapters))
            {
                _adapterGroups.Add(g.Request.Adapters);
            }
        }

        var last = _adapterGroups.IndexOf(_stepAdapters);
        return _adapterGroups[(last + 1) % _adapterGroups.Count];
    }

    /// <summary>Frees adapters that were unloaded and are no longer used, taking them off the context first.</summary>
    private void FreeRetiredAdapters()
    {
        while (_retiredAdapters.TryDequeue(out var adapter))
        {
            if (_appliedAdapters.Contains(adapter))
            {
                AdapterSet.None.ApplyTo(_context);
                _appliedAdapters = AdapterSet.None;
            }

            adapter.Model.FreeAdapterNative(adapter);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Trace, "Context adapters switched to {Adapters}.")]
        public static partial void AdaptersSwitched(ILogger logger, AdapterSet adapters);
    }
}
