namespace Gemma4.AI.Multimodal;

/// <summary>File formats recognised from their first bytes; those the bundled decoders accept, and common ones they do not.</summary>
internal enum MediaFormat
{
    Unknown,

    // Decoded by stb_image (images) or miniaudio (audio) in libmtmd.
    Png,
    Jpeg,
    Bmp,
    Gif,
    Pnm,
    Tga,
    Wav,
    Mp3,
    Flac,

    // Recognised only to be refused by name.
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
