using System.CommandLine;

namespace Packtree.Bench;

/// <summary>
/// Range rules for numeric options, checked by the parser so that a bad value is refused before a
/// suite runs, with a message that names the option, the rule and the value given.
/// </summary>
public static class OptionRules
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

    /// <summary>The option's value must be from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Option<int> Between(this Option<int> option, int min, int max)
    {
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<int>();
            if (value < min || value > max) result.AddError($"{option.Name} must be from {min} to {max}; got {value}.");
        });
        return option;
    }
}
