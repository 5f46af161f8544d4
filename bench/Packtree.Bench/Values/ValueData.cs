namespace Packtree.Bench.Values;

/// <summary>What the values hold: random bytes (incompressible) or JSON-like text (compressible, see <see cref="TextValues"/>).</summary>
public enum ValueData
{
    Random,
    Text,
}
