using Packtree.Keys;

namespace Packtree;

/// <summary>
/// One component of a typed key (<see cref="KeyShape{TKey}"/>): how a .NET value of <typeparamref name="T"/> becomes
/// the fields that order it, and back. Get them from <see cref="KeyParts"/>.
/// </summary>
/// <typeparam name="T">The component's .NET type.</typeparam>
public sealed class KeyPart<T>
{
    internal delegate void Writer(ref KeyFieldWriter writer, T value);

    internal delegate T Reader(ref KeyFieldReader reader);

    private readonly Writer _write;
    private readonly Reader _read;

    internal KeyPart(KeyComponent component, Writer write, Reader read)
    {
        Component = component;
        _write = write;
        _read = read;
    }

    internal KeyComponent Component { get; }

    internal void Write(ref KeyFieldWriter writer, T value) => _write(ref writer, value);

    internal T Read(ref KeyFieldReader reader) => _read(ref reader);

    /// <summary>The component as a key schema writes it: <c>Int64</c>, <c>String(64)</c>.</summary>
    public override string ToString() => Component.ToString();
}
