namespace Packtree.Nodes;

/// <summary>One write found in a node: its header, where it starts, and where its keys lie in the node buffer.</summary>
/// <param name="Header">The bset header.</param>
/// <param name="SectorOffset">Sector of the node where the write starts.</param>
/// <param name="KeysOffset">Byte offset of the first key within the node.</param>
/// <param name="KeysLength">Bytes of keys.</param>
/// <param name="Sectors">Sectors the write occupies, padding included.</param>
internal readonly record struct BsetRecord(BsetHeader Header, int SectorOffset, int KeysOffset, int KeysLength, int Sectors);
