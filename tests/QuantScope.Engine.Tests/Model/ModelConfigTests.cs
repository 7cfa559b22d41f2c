using QuantScope.Engine.Model;

namespace QuantScope.Engine.Tests.Model;

public sealed class ModelConfigTests
{
    [Fact]
    public void Base_ByteVocabulary_About85MParameters()
    {
        // 12 blocks of 4 x 768^2 (attention) + 3 x 768 x 2048 (SwiGLU) + norms, plus 2 x 256 x 768 embedding and head.
        Assert.Equal(85_347_072, ModelConfig.Base.ParameterCount());
    }

    [Fact]
    public void Base_GptTwoVocabularyTied_IsThe125MClass()
    {
        var gpt2Sized = ModelConfig.Base with { VocabSize = 50_257, TieWordEmbeddings = true };

        Assert.InRange(gpt2Sized.ParameterCount(), 120_000_000, 130_000_000);
    }

    [Theory]
    [InlineData("base")]
    [InlineData("BASE")]
    public void Preset_Base_IsListedAndFound(string name)
    {
        Assert.Contains("base", ModelConfig.PresetNames);
        Assert.Same(ModelConfig.Base, ModelConfig.Preset(name));
    }
}
