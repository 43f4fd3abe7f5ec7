using Folio.Queries;
using NUnit.Framework;

namespace Folio.Queries.Tests;

/// <summary>What a database object remembers of its methods' writes (<see cref="WriteIntents"/>).</summary>
public sealed class WriteIntentsTests
{
    [Test]
    public void ABodyIsKnownByIdentityAndFollowsWhatItLastDid()
    {
        var intents = new WriteIntents();
        var body = new object();
        Assert.That(intents.Writes(body), Is.False, "an unknown body starts with a read start");
        intents.Learn(body, writes: true);
        Assert.That(intents.Writes(body), Is.True);
        Assert.That(intents.Writes(new object()), Is.False, "another body, however alike");
        intents.Learn(body, writes: false);
        Assert.That(intents.Writes(body), Is.False);
    }

    [Test]
    public void BodiesMadeAnewForEveryCallDoNotGrowTheTableWithoutBound()
    {
        var intents = new WriteIntents();
        var first = new object();
        intents.Learn(first, writes: true);
        for (var i = 0; i < 2 * WriteIntents.MaxBodies; i++)
        {
            intents.Learn(new object(), writes: true);
        }
        var late = new object();
        intents.Learn(late, writes: true);
        Assert.That(intents.Writes(late), Is.False, "the table is full: a new body is not kept");
        Assert.That(intents.Writes(first), Is.True, "a body it knew stays known");
    }
}
