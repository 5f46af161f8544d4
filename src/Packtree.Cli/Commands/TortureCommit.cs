namespace Packtree.Cli.Commands;

/// <summary>One commit of the crash test: a tree created (named <see cref="NewTree"/>, of <see cref="NewKind"/> keys), or puts and deletes; flushed or buffered.</summary>
/// <param name="NewTree">The name of the tree this commit creates, or null.</param>
/// <param name="NewKind">The kind of keys of the tree created, or null.</param>
/// <param name="Updates">The puts and deletes (none when a tree is created).</param>
/// <param name="Durable">Whether the commit is flushed, and so acknowledged durable when it returns.</param>
public sealed record TortureCommit(string? NewTree, KeyKind? NewKind, List<TortureUpdate> Updates, bool Durable);
