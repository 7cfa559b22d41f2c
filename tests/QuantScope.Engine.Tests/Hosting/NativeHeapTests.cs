using QuantScope.Engine.Hosting;

namespace QuantScope.Engine.Tests.Hosting;

public sealed class NativeHeapTests
{
    [Fact]
    public void Apply_OnLinux_RaisesGlibcThresholds()
    {
        Assert.True(OperatingSystem.IsLinux(), "glibc's allocator is checked on Linux");
        Assert.Null(Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_"));

        // mallopt answers 1 only when glibc took both values (it refuses an mmap threshold above 32 MB).
        Assert.Equal("glibc keeps freed blocks up to 32 MB (mmap threshold), no trim", NativeHeap.Apply());
    }

    [Fact]
    public void Apply_UserSetting_IsLeftAlone()
    {
        Environment.SetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_", "131072");
        try
        {
            Assert.Equal("glibc thresholds from the environment (mmap default, trim 131072)", NativeHeap.Apply());
        }
        finally
        {
            Environment.SetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_", null);
        }
    }
}
