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
            "iteration;loss;\"quoted, value\"\n1;NaN;\"3\"\n2;inf;-inf\n",
            "               epoch,      train/box_loss,      train/obj_loss,               x/lr0\n                   0,            0.11241,           0.069713,             0.07025\n                   1,            0.10521,           0.067414,            0.040186\n",
            "epoch,step,train_loss,val_loss\n0,49,2.3104,\n0,99,,2.1187\n",
            "loss,lr\n2.5,0.001\n2.25,0.001\n"),
        ImportFormats.Jsonl => Text(
            "{\"step\": 1, \"loss\": 2.5, \"mode\": \"train\", \"eval\": {\"acc\": 0.5}}\n{\"global_step\": 2, \"loss\": \"NaN\"}\n\n{\"step\": 3, \"loss\": 1.75\n[1, 2]\n{\"loss\": 1.5}\n{\"step\": 4, \"loss\": 1.25}\n",
            "{\"step\": 5, \"layer\": \"model.layers.0.mlp.down_proj\", \"role\": \"weight\", \"amax\": 3}\n",
            "{\"step\": 121, \"loss\": NaN, \"grad_norm\": Infinity, \"amax\": -Infinity, \"v\": [NaN], \"note\": \"NaN, Infinity\"}\n",
            "{\"_step\": 0, \"trainer/global_step\": 49, \"train/loss\": 2.31, \"epoch\": 0}\n{\"loss\": 2.5}\n"),
        ImportFormats.Kv => Text(
            "[2026-01-01 10:00:00] starting training with model=llama mode=train\nstep=1/100 | loss=2.5 | lr=3e-4 | tokens=1.05M | time=8.77s | tok/s=3.2k | mem=4G\nsome noise line\nstep=2/100 loss=2.25 lr=3e-4 batch=1,024 dt=12ms mfu=3.1% mode=train\nstep=abc loss=9\nstep=3 loss=nan\n",
            "2024-05-01 10:00:00 INFO [step=120/15000,epoch=0]\n    train/CrossEntropyLoss=2.998\n    throughput/total_tokens=503,316,480\n2024-05-01 10:00:05 INFO Saving\n    x=1\n2024-05-01 10:00:09 INFO [step=121/15000,epoch=0]\n    train/CrossEntropyLoss=nan\n",
            "Epoch 0:  10%| | 100/1000 [00:30<04:30, 3.30it/s, v_num=0, reduced_train_loss=3.210, global_step=99.0, lr=0.0003]\n"),
        ImportFormats.Megatron => Text(
            "using world size: 8\n [2024-05-01 10:00:00] iteration      120/  500000 | consumed samples:        30720 | elapsed time per iteration (ms): 812.3 | learning rate: 2.999E-04 | global batch size:   256 | lm loss: 3.217812E+00 | loss scale: 1.0 | grad norm: 0.812 | number of skipped iterations:   0 | number of nan iterations:   0 |\n",
            " validation loss at iteration 1000 | lm loss value: 2.912345E+00 | lm loss PPL: 1.840000E+01 | \n iteration 99999999999/  500000 | lm loss: nan |\n"),
        ImportFormats.NvInspect => Text(
            "INFO - nvdlfw_inspect - Starting\nmodel.layers.0.mlp.fc2_activation_underflows%        iteration=000002         value=4.3188\nmodel.layers.1.mlp.fc2_activation_underflows%        iteration=000002         value=50\nmodel.layers.0.mlp.fc2_weight_cur_amax               iteration=000002         value=0.5\nmodel.layers.0.self_attention.layernorm_qkv_gradient_overflows% iteration=000004 value=1.5\nmodel.layers.0.mlp.fc2_activation_scale_inv_min      iteration=000004         value=0.125\nmodel.layers.0.mlp.fc2_activation_dynamic_range      iteration=000004         value=oops\n"),
        _ =>
        [
            new TfEventsTestWriter().FileVersion().Scalars(1, ("loss", 2.5f), ("lr", 3e-4f)).Scalars(2, ("loss", 2.25f)).ToArray(),
            new TfEventsTestWriter().FileVersion().FloatTensor(3, "train/loss", 1.5f).DoubleContentTensor(4, "eval/acc", 0.75).ToArray(),
        ],
    };

    /// <summary>
    /// Seeds of the folder import: a file's path in the folder, a line break, then the file's bytes (the harness adds a
    /// second, valid event file next to it).
    /// </summary>
    public static IReadOnlyList<byte[]> Folder =>
    [
        [.. "exp1/validation/events.out.tfevents.1714557601.node01.1.1\n"u8, .. For(ImportFormats.TfEvents)[0]],
        [.. "logs\\train\\events.out.tfevents.1.host.v2\n"u8, .. For(ImportFormats.TfEvents)[1]],
        [.. "../../etc/passwd\n"u8, .. "root:x:0:0\n"u8],
    ];

    private static byte[][] Text(params string[] files) => files.Select(Encoding.UTF8.GetBytes).ToArray();
}
