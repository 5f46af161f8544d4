using System.Text;

namespace Packtree.Bench.Values;

/// <summary>
/// Compressible values: JSON-like documents, one per line, made of fields with fixed names and of words
/// drawn from a small vocabulary with a skew towards its first words (the smallest of three draws), most
/// words followed by one of four words fixed for it (so that phrases recur, as in text), with
/// numbers, dates and flags between them, as records of an application would look. zstd (level 3), each
/// value compressed alone, makes values of 4 KiB about 2.9× smaller, of 64 KiB 4.0×, of 1 MiB 4.3× (1,000 bytes:
/// 2×); the suite measures and reports the ratio it gets on its own data.
/// </summary>
public static class TextValues
{
    private static readonly byte[][] Vocabulary = [.. """
        the of and to in is that for it as was with be by on not he this are or his from at which but have an
        they you were her she there been one all we their has would when if so no will more can out other them
        about into than its time only could new these some two may first then do any like my now over such our
        man me even most made after also did many before must through back years where much your way well down
        should because each just those people how too little state good very make world still own see men work
        long get here between both life being under never day same another know while last might us great old
        year off come since against go came right used take three storage value index record page commit block
        node tree key cache journal bucket offset extent inode snapshot checksum version status pending active
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries).Select(Encoding.ASCII.GetBytes)];

    /// <summary>The few words that may follow each word (phrases recur, as in text): four per word, drawn once with the same skew.</summary>
    private static readonly int[][] Successors = MakeSuccessors();

    private static readonly byte[][] Statuses = [.. new[] { "open", "closed", "pending", "merged", "archived" }.Select(Encoding.ASCII.GetBytes)];

    /// <summary>Fills <paramref name="value"/> with documents made from <paramref name="seed"/>; the last is cut where the value ends.</summary>
    public static void Fill(Span<byte> value, ulong seed)
    {
        var random = new SplitMix(seed);
        var text = new TextWriter(value);
        var id = (long)(seed % 1_000_000_000);
        while (!text.Full)
        {
            text.Ascii("{\"id\":"u8);
            text.Number(id++);
            text.Ascii(",\"user\":\""u8);
            text.Word(ref random);
            text.Ascii("_"u8);
            text.Number(random.Below(100));
            text.Ascii("\",\"created\":\"2026-"u8);
            text.Two(1 + random.Below(12));
            text.Ascii("-"u8);
            text.Two(1 + random.Below(28));
            text.Ascii("T"u8);
            text.Two(random.Below(24));
            text.Ascii(":00:00Z\",\"status\":\""u8);
            text.Ascii(Statuses[random.Below(Statuses.Length)]);
            text.Ascii("\",\"score\":"u8);
            text.Number(random.Below(1000));
            text.Ascii(random.Below(2) == 0 ? ",\"active\":true,\"tags\":["u8 : ",\"active\":false,\"tags\":["u8);
            for (var t = 1 + random.Below(4); t > 0; t--)
            {
                text.Ascii("\""u8);
                text.Word(ref random);
                text.Ascii(t > 1 ? "\","u8 : "\""u8);
            }
            text.Ascii("],\"title\":\""u8);
            text.Words(ref random, 3 + random.Below(6));
            text.Ascii("\",\"body\":\""u8);
            text.Words(ref random, 20 + random.Below(60));
            text.Ascii(".\"}\n"u8);
        }
    }

    /// <summary>A word's index, the smallest of three draws: the first words come far more often, as in text.</summary>
    private static int Skewed(ref SplitMix random) =>
        Math.Min(Math.Min(random.Below(Vocabulary.Length), random.Below(Vocabulary.Length)), random.Below(Vocabulary.Length));

    private static int[][] MakeSuccessors()
    {
        var random = new SplitMix(17);
        return [.. Vocabulary.Select(_ => new[] { Skewed(ref random), Skewed(ref random), Skewed(ref random), Skewed(ref random) })];
    }

    /// <summary>Writes ASCII into a value until it is full, dropping whatever does not fit.</summary>
    private ref struct TextWriter(Span<byte> target)
    {
        private readonly Span<byte> _target = target;
        private int _at;

        public readonly bool Full => _at >= _target.Length;

        public void Ascii(scoped ReadOnlySpan<byte> text)
        {
            var room = Math.Min(text.Length, _target.Length - _at);
            text[..room].CopyTo(_target[_at..]);
            _at += room;
        }

        public void Word(ref SplitMix random) => Ascii(Vocabulary[Skewed(ref random)]);

        /// <summary>Words that mostly follow one another as <see cref="Successors"/> says, now and then a fresh one.</summary>
        public void Words(ref SplitMix random, int count)
        {
            var word = Skewed(ref random);
            for (var i = 0; i < count; i++)
            {
                if (i > 0) Ascii(" "u8);
                Ascii(Vocabulary[word]);
                word = random.Below(4) == 0 ? Skewed(ref random) : Successors[word][random.Below(4)];
            }
        }

        public void Number(long number)
        {
            Span<byte> digits = stackalloc byte[20];
            number.TryFormat(digits, out var length, provider: System.Globalization.CultureInfo.InvariantCulture);
            Ascii(digits[..length]);
        }

        /// <summary>A number below 100 as two digits.</summary>
        public void Two(int number) => Ascii([(byte)('0' + number / 10), (byte)('0' + number % 10)]);
    }
}
