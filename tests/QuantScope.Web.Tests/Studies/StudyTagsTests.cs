using QuantScope.Web.Studies;

namespace QuantScope.Web.Tests.Studies;

public sealed class StudyTagsTests
{
    [Fact]
    public void Parse_TagsOfAnArm_GiveBackStudyArmAndIndex()
    {
        var id = Guid.NewGuid();
        var tags = StudyTags.For(id, "high-lr", 2).Append("mine").ToList();
        Assert.Equal(new StudyMembership(id, "high-lr", 2), StudyTags.Parse(tags));
        Assert.Equal($"study:{id:D}", StudyTags.Of(id));
    }

    [Fact]
    public void Parse_NoStudyTag_IsNull()
    {
        Assert.Null(StudyTags.Parse(["study-arm:fixed", "study:not-a-guid", $"sweep:{Guid.NewGuid()}"]));
    }
}
