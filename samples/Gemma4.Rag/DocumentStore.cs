using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Gemma4.Rag;

/// <summary>A stored document: its text (sent whole in "stuff" mode) and where it came from.</summary>
internal sealed record StoredDocument(long Id, string Path, string Text);

/// <summary>A stored chunk and its embedding (float32 values, kept as a blob).</summary>
internal sealed record StoredChunk(long DocumentId, string DocumentPath, int Ordinal, int Count, string Text, float[] Vector);

/// <summary>Documents, chunks and their vectors in one SQLite file.</summary>
internal sealed class DocumentStore : IDisposable
{
    private readonly SqliteConnection _db;

    public DocumentStore(string path)
    {
        _db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _db.Open();
        Execute("""
            PRAGMA foreign_keys = ON;
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS documents (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, sha256 TEXT NOT NULL, text TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS chunks (
                id INTEGER PRIMARY KEY,
                document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                ordinal INTEGER NOT NULL,
                text TEXT NOT NULL,
                vector BLOB NOT NULL);
            """);
    }

    /// <summary>Vectors of another embedding model cannot be compared: forget them all when the model changes.</summary>
    public void UseEmbeddingModel(string modelId, int dimensions)
    {
        var key = $"{modelId}/{dimensions}";
        using var read = Command("SELECT value FROM meta WHERE key = 'embedding_model'");
        if (read.ExecuteScalar() as string != key)
        {
            Execute("DELETE FROM documents");
            using var write = Command("INSERT OR REPLACE INTO meta (key, value) VALUES ('embedding_model', $v)");
            write.Parameters.AddWithValue("$v", key);
            write.ExecuteNonQuery();
        }
    }

    public string? HashOf(string path)
    {
        using var cmd = Command("SELECT sha256 FROM documents WHERE path = $p");
        cmd.Parameters.AddWithValue("$p", path);
        return cmd.ExecuteScalar() as string;
    }

    /// <summary>Replaces a document and its chunks in one transaction.</summary>
    public void Save(string path, string sha256, string text, IReadOnlyList<string> chunks, IReadOnlyList<ReadOnlyMemory<float>> vectors)
    {
        using var tx = _db.BeginTransaction();
        Remove(path);
        using var doc = Command("INSERT INTO documents (path, sha256, text) VALUES ($p, $h, $t) RETURNING id");
        doc.Parameters.AddWithValue("$p", path);
        doc.Parameters.AddWithValue("$h", sha256);
        doc.Parameters.AddWithValue("$t", text);
        var id = (long)doc.ExecuteScalar()!;
        for (var i = 0; i < chunks.Count; i++)
        {
            using var chunk = Command("INSERT INTO chunks (document_id, ordinal, text, vector) VALUES ($d, $o, $t, $v)");
            chunk.Parameters.AddWithValue("$d", id);
            chunk.Parameters.AddWithValue("$o", i);
            chunk.Parameters.AddWithValue("$t", chunks[i]);
            chunk.Parameters.AddWithValue("$v", MemoryMarshal.AsBytes(vectors[i].Span).ToArray());
            chunk.ExecuteNonQuery();
        }

        tx.Commit();
    }

    /// <summary>Deletes documents whose files are gone; returns how many.</summary>
    public int RemoveAllBut(IReadOnlySet<string> paths)
    {
        var gone = Documents().Select(d => d.Path).Where(p => !paths.Contains(p)).ToList();
        gone.ForEach(Remove);
        return gone.Count;
    }

    public List<StoredDocument> Documents()
    {
        using var cmd = Command("SELECT id, path, text FROM documents ORDER BY path");
        using var reader = cmd.ExecuteReader();
        var result = new List<StoredDocument>();
        while (reader.Read())
        {
            result.Add(new StoredDocument(reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
        }

        return result;
    }

    public List<StoredChunk> Chunks()
    {
        using var cmd = Command("""
            SELECT c.document_id, d.path, c.ordinal, (SELECT COUNT(*) FROM chunks x WHERE x.document_id = c.document_id), c.text, c.vector
            FROM chunks c JOIN documents d ON d.id = c.document_id ORDER BY d.path, c.ordinal
            """);
        using var reader = cmd.ExecuteReader();
        var result = new List<StoredChunk>();
        while (reader.Read())
        {
            var blob = (byte[])reader.GetValue(5);
            result.Add(new StoredChunk(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetString(4),
                MemoryMarshal.Cast<byte, float>(blob).ToArray()));
        }

        return result;
    }

    public void Dispose() => _db.Dispose();

    private void Remove(string path)
    {
        using var cmd = Command("DELETE FROM documents WHERE path = $p");
        cmd.Parameters.AddWithValue("$p", path);
        cmd.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql)
    {
        var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        return cmd;
    }

    private void Execute(string sql)
    {
        using var cmd = Command(sql);
        cmd.ExecuteNonQuery();
    }
}
