using System.Text;
using QuantScope.Data.Import;
using QuantScope.Tests.Shared;

namespace QuantScope.Web.Tests.Fuzz;

/// <summary>Valid log files of every import format, the starting points of the import fuzz passes.</summary>
public static class ImportSeeds
{
    /// <summary>The seeds of every format.</summary>
    public static IReadOnlyList<byte[]> All => ImportFormats.Concrete.SelectMany(For).ToArray();

    /// <summary>The seeds of one format.</summary>
    public static IReadOnlyList<byte[]> For(string format) => format switch
    {
        ImportFormats.Csv => Text(
            "step,loss,lr\n1,2.5,0.1\n2,2.4\nx,2.3,0.1\n4,abc,0.2\n5,,0.3\n6,2.0,0.4",
            "step,layer,role,amax,underflowFraction\n10,model.layers.0.mlp.down_proj,activation,4.5,0.25\n10,model.layers.1.mlp.down_proj,weight,0.75,\n",
            "iteration;loss;\"quoted, value\"\n1;NaN;\"3\"\n2;inf;-inf\n"),
        ImportFormats.Jsonl => Text(
            "{\"step\": 1, \"loss\": 2.5, \"mode\": \"train\", \"eval\": {\"acc\": 0.5}}\n{\"global_step\": 2, \"loss\": \"NaN\"}\n\n{\"step\": 3, \"loss\": 1.75\n[1, 2]\n{\"loss\": 1.5}\n{\"step\": 4, \"loss\": 1.25}\n",
            "{\"step\": 5, \"layer\": \"model.layers.0.mlp.down_proj\", \"role\": \"weight\", \"amax\": 3}\n"),
        ImportFormats.Kv => Text(
            "[2026-01-01 10:00:00] starting training with model=llama mode=train\nstep=1/100 | loss=2.5 | lr=3e-4 | tokens=1.05M | time=8.77s | tok/s=3.2k | mem=4G\nsome noise line\nstep=2/100 loss=2.25 lr=3e-4 batch=1,024 dt=12ms mfu=3.1% mode=train\nstep=abc loss=9\nstep=3 loss=nan\n"),
        ImportFormats.NvInspect => Text(
            "INFO - nvdlfw_inspect - Starting\nmodel.layers.0.mlp.fc2_activation_underflows%        iteration=000002         value=4.3188\nmodel.layers.1.mlp.fc2_activation_underflows%        iteration=000002         value=50\nmodel.layers.0.mlp.fc2_weight_cur_amax               iteration=000002         value=0.5\nmodel.layers.0.self_attention.layernorm_qkv_gradient_overflows% iteration=000004 value=1.5\nmodel.layers.0.mlp.fc2_activation_scale_inv_min      iteration=000004         value=0.125\nmodel.layers.0.mlp.fc2_activation_dynamic_range      iteration=000004         value=oops\n"),
        _ =>
        [
            new TfEventsTestWriter().FileVersion().Scalars(1, ("loss", 2.5f), ("lr", 3e-4f)).Scalars(2, ("loss", 2.25f)).ToArray(),
            new TfEventsTestWriter().FileVersion().FloatTensor(3, "train/loss", 1.5f).DoubleContentTensor(4, "eval/acc", 0.75).ToArray(),
        ],
    };

    private static byte[][] Text(params string[] files) => files.Select(Encoding.UTF8.GetBytes).ToArray();
}
