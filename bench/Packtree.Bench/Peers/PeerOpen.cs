namespace Packtree.Bench.Peers;

/// <summary>Opens an engine on a store in <paramref name="folder"/>: fsync per commit when <paramref name="sync"/>, keyed on byte keys when <paramref name="byteKeys"/> (else positions).</summary>
public delegate IPeerEngine PeerOpen(string folder, bool sync, bool byteKeys);
