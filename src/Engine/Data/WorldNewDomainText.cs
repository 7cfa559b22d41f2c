using System.Globalization;
using System.Text;

namespace QuantScope.Engine.Data;

/// <summary>
/// Renders <see cref="SyntheticWorld.NewDomainPart"/>: trade ledgers, weather logs and market boards about the
/// world's cities. Digit-heavy, fixed-format lines and no people facts, so fine-tuning on it shifts the model away
/// from the knowledge distribution (the forgetting experiment).
/// </summary>
internal static class WorldNewDomainText
{
    private static readonly string[] Winds = ["N", "NE", "E", "SE", "S", "SW", "W", "NW"];
    private static readonly string[] Skies = ["clear", "cloudy", "rain", "fog", "snow", "storm"];

    /// <summary>Lines of the three record kinds, with a day counter that advances every few lines.</summary>
    public static string Generate(SyntheticWorld world, Random random, int approxChars)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(approxChars);
        var text = new StringBuilder(approxChars + 128);
        var day = 1;
        while (text.Length < approxChars)
        {
            var index = random.Next(world.Cities.Count);
            var city = world.Cities[index];
            var line = random.Next(3) switch
            {
                0 => Ledger(world, random, day, index),
                1 => Weather(random, day, city),
                _ => Board(random, day, city),
            };
            text.Append(line).Append('\n');
            if (random.Next(4) == 0) day++;
        }

        return text.ToString();
    }

    private static string Ledger(SyntheticWorld world, Random random, int day, int fromIndex)
    {
        var count = world.Cities.Count;
        var from = world.Cities[fromIndex];
        var to = world.Cities[(fromIndex + 1 + random.Next(count - 1)) % count]; // any other city
        var crates = random.Next(2, 60);
        var price = random.Next(3, 40); // coins per crate
        return string.Create(CultureInfo.InvariantCulture,
            $"LEDGER d{day:D3}: {crates} crates of {from.Good} {from.Name} -> {to.Name} @ {price} = {crates * price} coins");
    }

    private static string Weather(Random random, int day, WorldCity city)
    {
        var temperature = random.Next(-8, 32); // degrees Celsius
        var wind = random.Next(0, 45); // km/h
        var rain = random.Next(0, 20); // mm
        return string.Create(CultureInfo.InvariantCulture,
            $"WX {city.Name} d{day:D3} | {temperature} C | wind {Winds[random.Next(Winds.Length)]} {wind} km/h | {Skies[random.Next(Skies.Length)]} {rain} mm");
    }

    private static string Board(Random random, int day, WorldCity city)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"MARKET {city.Name} d{day:D3}");
        var goods = SyntheticWorld.Goods.ToArray();
        random.Shuffle(goods);
        foreach (var good in goods.Take(3))
        {
            var price = random.Next(3, 40) + (good == city.Good ? -2 : 4); // home goods are cheaper
            text.Append(CultureInfo.InvariantCulture, $" | {good} {Math.Max(1, price)}");
        }

        return text.ToString();
    }
}
