using System.Collections.Concurrent;
using Gemma4.AI.Lora;
using Gemma4.AI.Native;
using Microsoft.Extensions.Logging;

namespace Gemma4.AI.Engine;

/// <summary>
/// LoRA adapters in the decode loop. llama.cpp applies one adapter set to the whole context per decode, so a step only
/// decodes the sequences whose requests use the same set; when requests with different sets are active, the sets take
/// turns of <see cref="AdapterTurnSteps"/> steps, round-robin in order of admission, and the context's adapters are
/// switched between turns.
/// </summary>
/// <remarks>
/// <para>Cost: with k different sets active, each set decodes in 1/k of the steps, so its sequences advance at about 1/k
/// of the rate they would have sharing one batch (on CPU a step's time barely grows with its sequences, so aggregate
/// throughput drops towards 1/k). A switch also makes llama.cpp rebuild and re-reserve its compute graph at the next
/// decode: measured 0.5 ms per switch on the tiny test model against 0.3 ms per step, within noise against the
/// ~100 ms CPU steps of an E2B-shaped model; turns of several steps spread that cost. One set (or none) active costs
/// nothing: it is applied once and never switched.</para>
/// <para>Unloaded adapters are freed here, between two decodes, once no request holds them.</para>
/// </remarks>
internal sealed partial class InferenceEngine
{
    // Steps one adapter set decodes before the next set's turn: fewer graph re-plans, at most this many steps of wait.
    private const int AdapterTurnSteps = 4;

    private readonly ConcurrentQueue<Gemma4LoraAdapter> _retiredAdapters = new();
    private readonly List<AdapterSet> _adapterGroups = [];
    private AdapterSet _appliedAdapters = AdapterSet.None;
    private AdapterSet _stepAdapters = AdapterSet.None;
    private int _stepsInTurn;
    private long _adapterSwitches;

    /// <summary>How many times the context's adapter set changed (diagnostics and tests).</summary>
    public long AdapterSwitches => Interlocked.Read(ref _adapterSwitches);

    /// <summary>Frees <paramref name="adapter"/> on the decode thread before the next step (no request uses it any more).</summary>
    public void RetireAdapter(Gemma4LoraAdapter adapter)
    {
        _retiredAdapters.Enqueue(adapter);
        Wake();
    }

    /// <summary>Chooses the adapter set this step decodes and puts it on the context.</summary>
    private void BeginAdapterStep()
    {
        _stepAdapters = NextAdapterGroup();
        if (!_appliedAdapters.Equals(_stepAdapters))
        {
            ApplyAdapters(_stepAdapters);
            Interlocked.Increment(ref _adapterSwitches);
            Log.AdaptersSwitched(_logger, _stepAdapters);
        }
    }

    /// <summary>Replaces the context's adapters (llama.cpp re-plans its compute graph at the next decode).</summary>
    private void ApplyAdapters(AdapterSet set)
    {
        var (handles, scales) = set.ToNative();
        var result = LlamaNative.SetAdaptersLora(_context, handles, scales);
        if (result != 0)
        {
            throw new InvalidOperationException($"llama_set_adapters_lora failed ({result}) for adapters {set}.");
        }

        _appliedAdapters = set;
    }

    private bool InAdapterStep(ActiveGeneration g) => g.Request.Adapters.Equals(_stepAdapters);

    /// <summary>The running set until its turn is over, then the next one in order of first appearance among the active requests.</summary>
    private AdapterSet NextAdapterGroup()
    {
        var first = _active[0].Request.Adapters;
        if (_active.TrueForAll(g => g.Request.Adapters.Equals(first)))
        {
            _stepsInTurn = 0;
            return first; // the usual case: one set, no rotation
        }

        if (++_stepsInTurn < AdapterTurnSteps && _active.Exists(InAdapterStep))
        {
            return _stepAdapters;
        }

        _stepsInTurn = 0;
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
                ApplyAdapters(AdapterSet.None);
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
