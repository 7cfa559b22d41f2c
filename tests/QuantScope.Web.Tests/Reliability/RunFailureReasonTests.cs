using System.Runtime.InteropServices;
using QuantScope.Engine.Training;
using QuantScope.Web.Reliability;

namespace QuantScope.Web.Tests.Reliability;

public sealed class RunFailureReasonTests
{
    [Fact]
    public void Describe_ManagedOutOfMemory_SaysOutOfMemory() =>
        Assert.StartsWith("Out of memory: ", RunFailureReason.Describe(new OutOfMemoryException("Array dimensions exceeded.")));

    [Theory]
    [InlineData("[enforce fail at alloc_cpu.cpp:117] data. DefaultCPUAllocator: not enough memory: you tried to allocate 400000000000 bytes.")]
    [InlineData("CUDA out of memory. Tried to allocate 2.00 GiB")]
    [InlineData("std::bad_alloc")]
    public void Describe_TorchAllocatorError_SaysOutOfMemoryAndKeepsTheMessage(string message)
    {
        var reason = RunFailureReason.Describe(new ExternalException(message));
        Assert.StartsWith("Out of memory: ", reason);
        Assert.Contains(message, reason);
    }

    [Fact]
    public void Describe_Divergence_KeepsTheMessage() =>
        Assert.Equal("Training diverged at step 3: the loss is not finite.", RunFailureReason.Describe(new TrainingDivergedException(3, null, null)));

    [Fact]
    public void Describe_HugeMessage_Truncated() =>
        Assert.True(RunFailureReason.Describe(new InvalidOperationException(new string('x', 10_000))).Length <= RunFailureReason.MaxLength + 3);
}
