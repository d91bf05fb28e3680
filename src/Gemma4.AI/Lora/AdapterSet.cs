using System.Globalization;
using System.Text;

namespace Gemma4.AI.Lora;

/// <summary>
/// The adapters and scales one request decodes with, in a canonical form: zero scales dropped (llama.cpp leaves them out
/// of the graph, so they equal the base model), ordered by load, compared by adapter identity and exact scale. Two
/// requests may share a decode step, and one may reuse the other's cached prefix, only when their sets are equal.
/// </summary>
internal sealed class AdapterSet : IEquatable<AdapterSet>
{
    private readonly Gemma4LoraAdapter[] _adapters;
    private readonly float[] _scales;
    private readonly int _hash;

    private AdapterSet(Gemma4LoraAdapter[] adapters, float[] scales)
    {
        _adapters = adapters;
        _scales = scales;
        var hash = new HashCode();
        for (var i = 0; i < adapters.Length; i++)
        {
            hash.Add(adapters[i].Id);
            hash.Add(scales[i]);
        }

        _hash = hash.ToHashCode();
    }

    /// <summary>The base model alone.</summary>
    public static AdapterSet None { get; } = new([], []);

    public int Count => _adapters.Length;

    public bool IsEmpty => _adapters.Length == 0;

    public IReadOnlyList<Gemma4LoraAdapter> Adapters => _adapters;

    /// <summary>Builds the set for a request on <paramref name="model"/>.</summary>
    /// <exception cref="ArgumentException">An adapter is null, belongs to another model, is listed twice, or has a non-finite scale.</exception>
    /// <exception cref="ObjectDisposedException">An adapter was unloaded.</exception>
    public static AdapterSet Create(Gemma4Model model, IEnumerable<Gemma4AdapterScale>? adapters)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (adapters is null)
        {
            return None;
        }

        var chosen = new List<Gemma4AdapterScale>();
        foreach (var entry in adapters)
        {
            if (entry.Adapter is not { } adapter)
            {
                throw new ArgumentException("An adapter entry has no adapter (Gemma4AdapterScale.Adapter is null).", nameof(adapters));
            }

            if (!ReferenceEquals(adapter.Model, model))
            {
                throw new ArgumentException(
                    $"LoRA adapter '{adapter.Name}' was loaded for model '{adapter.Model.ModelId}' ({adapter.Model.ModelPath}), not for '{model.ModelId}' ({model.ModelPath}).",
                    nameof(adapters));
            }

            ObjectDisposedException.ThrowIf(adapter.IsDisposed, adapter);
            if (!float.IsFinite(entry.Scale))
            {
                throw new ArgumentOutOfRangeException(nameof(adapters), entry.Scale, $"The scale of LoRA adapter '{adapter.Name}' must be a finite number; got {entry.Scale}.");
            }

            if (chosen.Exists(c => ReferenceEquals(c.Adapter, adapter)))
            {
                throw new ArgumentException($"LoRA adapter '{adapter.Name}' is listed twice; give it one scale.", nameof(adapters));
            }

            chosen.Add(entry);
        }

        chosen.RemoveAll(c => c.Scale == 0);
        if (chosen.Count == 0)
        {
            return None;
        }

        chosen.Sort((x, y) => x.Adapter.Id.CompareTo(y.Adapter.Id));
        return new AdapterSet([.. chosen.Select(c => c.Adapter)], [.. chosen.Select(c => c.Scale)]);
    }

    public bool Contains(Gemma4LoraAdapter adapter) => Array.IndexOf(_adapters, adapter) >= 0;

    /// <summary>Marks every adapter in use until the lease is disposed, so none is freed under a running request.</summary>
    /// <exception cref="ObjectDisposedException">An adapter was unloaded after the set was built.</exception>
    public Lease Acquire()
    {
        for (var i = 0; i < _adapters.Length; i++)
        {
            if (!_adapters[i].TryAddUse())
            {
                for (var j = 0; j < i; j++)
                {
                    _adapters[j].ReleaseUse();
                }

                throw new ObjectDisposedException(_adapters[i].ToString(), $"LoRA adapter '{_adapters[i].Name}' was unloaded.");
            }
        }

        return new Lease(this);
    }

    /// <summary>The native adapter pointers and their scales, for llama_set_adapters_lora.</summary>
    /// <exception cref="ObjectDisposedException">An adapter was freed (cannot happen while a lease holds it).</exception>
    public (IntPtr[] Handles, float[] Scales) ToNative()
    {
        var handles = new IntPtr[_adapters.Length];
        for (var i = 0; i < handles.Length; i++)
        {
            handles[i] = _adapters[i].Handle;
            if (handles[i] == IntPtr.Zero)
            {
                // Never hand llama.cpp a freed adapter.
                throw new ObjectDisposedException(_adapters[i].ToString(), $"LoRA adapter '{_adapters[i].Name}' was freed while in use.");
            }
        }

        return (handles, _scales);
    }

    public bool Equals(AdapterSet? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || other._hash != _hash || other._adapters.Length != _adapters.Length)
        {
            return false;
        }

        for (var i = 0; i < _adapters.Length; i++)
        {
            if (!ReferenceEquals(_adapters[i], other._adapters[i]) || _scales[i].CompareTo(other._scales[i]) != 0)
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as AdapterSet);

    public override int GetHashCode() => _hash;

    /// <summary>For logs: <c>none</c>, or <c>medical×1, legal×0.5</c>.</summary>
    public override string ToString()
    {
        if (IsEmpty)
        {
            return "none";
        }

        var text = new StringBuilder();
        for (var i = 0; i < _adapters.Length; i++)
        {
            text.Append(i == 0 ? string.Empty : ", ").Append(_adapters[i].Name).Append('×').Append(_scales[i].ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    /// <summary>Holds the set's adapters in use; dispose once the request has left the engine.</summary>
    public sealed class Lease(AdapterSet set) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                foreach (var adapter in set._adapters)
                {
                    adapter.ReleaseUse();
                }
            }
        }
    }
}
