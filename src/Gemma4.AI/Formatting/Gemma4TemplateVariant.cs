namespace Gemma4.AI;

/// <summary>
/// Which variant of the official Gemma 4 chat template (revision 68abe48) a prompt is rendered with.
/// </summary>
/// <remarks>
/// The two variants differ in one place: when thinking is off and a new model turn opens, the
/// <see cref="Large"/> variant appends an empty thought channel (<c>&lt;|channel&gt;thought\n&lt;channel|&gt;</c>)
/// to the generation prompt and the <see cref="Small"/> variant does not.
/// </remarks>
public enum Gemma4TemplateVariant
{
    /// <summary>The E2B and E4B template (sha256 <c>0a2c8073…</c>).</summary>
    Small = 0,

    /// <summary>The 12B, 26B-A4B and 31B template (sha256 <c>ae53464b…</c>).</summary>
    Large = 1,
}
