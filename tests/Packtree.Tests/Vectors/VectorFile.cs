using System.IO.Compression;
using System.Text.Json;

namespace Packtree.Tests.Vectors;

/// <summary>Reads a gzip-compressed JSON Lines vector file record by record.</summary>
internal static class VectorFile
{
    public static IEnumerable<VectorRecord> Read(string name)
    {
        var path = VectorFolder.File(name);
        using var stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var reader = new StreamReader(stream);
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0) continue;
            using var document = JsonDocument.Parse(line);
            yield return new VectorRecord(name, lineNumber, document.RootElement);
        }
    }

    /// <summary>Number of non-empty lines, i.e. records, in the file.</summary>
    public static int CountRecords(string name)
    {
        using var stream = new GZipStream(File.OpenRead(VectorFolder.File(name)), CompressionMode.Decompress);
        using var reader = new StreamReader(stream);
        var count = 0;
        while (reader.ReadLine() is { } line)
        {
            if (line.Length != 0) count++;
        }
        return count;
    }
}
