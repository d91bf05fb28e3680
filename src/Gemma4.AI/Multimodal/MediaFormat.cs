namespace Gemma4.AI.Multimodal;

/// <summary>File formats recognised from their first bytes; those the bundled decoders accept, and common ones they do not.</summary>
internal enum MediaFormat
{
    Unknown,

    // Decoded by StbImageSharp (images) or miniaudio (audio) in libmtmd.
    Png,
    Jpeg,
    Bmp,
    Gif,
    Tga,
    Wav,
    Mp3,
    Flac,

    // Recognised only to be refused by name.
    Pnm,
    Webp,
    Tiff,
    Psd,
    Hdr,
    Pic,
    IsoMedia,
    Ogg,
    Aac,
    Matroska,
    Pdf,
}
