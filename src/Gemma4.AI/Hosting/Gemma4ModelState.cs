namespace Gemma4.AI.Hosting;

/// <summary>Where a registration's model is in its life.</summary>
internal enum Gemma4ModelState
{
    /// <summary>Nothing asked for it yet (no host started it, nothing resolved it).</summary>
    NotLoaded,

    /// <summary>Loading now.</summary>
    Loading,

    /// <summary>Loaded and serving.</summary>
    Loaded,

    /// <summary>The options were invalid or the load failed; the error is kept and rethrown on every use.</summary>
    Failed,
}
