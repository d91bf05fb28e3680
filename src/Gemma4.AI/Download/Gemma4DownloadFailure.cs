namespace Gemma4.AI;

/// <summary>Why a model download failed.</summary>
public enum Gemma4DownloadFailure
{
    /// <summary>Not classified.</summary>
    Unknown = 0,

    /// <summary>The server could not be reached (no network, DNS failure, connection refused).</summary>
    Offline,

    /// <summary>The repository, revision or file does not exist (HTTP 404).</summary>
    NotFound,

    /// <summary>The repository is gated or private (HTTP 401/403): accept its terms and pass an access token.</summary>
    AccessDenied,

    /// <summary>The server answered with another error status, also after retries.</summary>
    HttpError,

    /// <summary>The transfer kept breaking off; the bytes received are kept and the next call resumes from them.</summary>
    Interrupted,

    /// <summary>The downloaded file's SHA-256 differs from the expected one; the file was deleted.</summary>
    ChecksumMismatch,

    /// <summary>Another process is downloading the same file into the same cache.</summary>
    InUse,
}
