using System.CommandLine;

namespace Packtree.CommandLine;

/// <summary>
/// Range rules for numeric options, checked by the parser so that a bad value is refused before a
/// command runs, with a message that names the option, the rule and the value given. Compiled into the
/// <c>packtree</c> tool and the benchmark runner alike (each its own copy, internal to it).
/// </summary>
internal static class OptionRules
{
    /// <summary>The option's value, when given, must be at least <paramref name="min"/>.</summary>
    public static Option<int?> AtLeast(this Option<int?> option, int min)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } value && value < min) result.AddError($"{option.Name} must be at least {min}; got {value}.");
        });
        return option;
    }

    /// <summary>The option's value must be at least <paramref name="min"/>.</summary>
    public static Option<int> AtLeast(this Option<int> option, int min) => option.Between(min, int.MaxValue);

    /// <summary>The option's value must be from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Option<int> Between(this Option<int> option, int min, int max)
    {
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<int>();
            if (value >= min && value <= max) return;
            result.AddError(max == int.MaxValue ? $"{option.Name} must be at least {min}; got {value}." : $"{option.Name} must be from {min} to {max}; got {value}.");
        });
        return option;
    }
}
