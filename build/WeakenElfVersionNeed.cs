// Inline MSBuild task (RoslynCodeTaskFactory), compiled at build time by build/LibTorchSharpPatch.targets.
// Marks one symbol-version requirement of an ELF shared library as weak (VER_FLG_WEAK), so a loader whose
// libstdc++ lacks that version only warns instead of refusing the library. See the targets file for why.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class WeakenElfVersionNeed : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe; // SHT_GNU_verneed: the .gnu.version_r section
    private const ushort VerFlgWeak = 0x2;         // VER_FLG_WEAK in Vernaux.vna_flags

    private static readonly string[] LibDirs =
    {
        "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib/aarch64-linux-gnu",
        "/usr/lib64", "/lib64", "/usr/lib", "/lib",
    };

    [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string VersionName { get; set; } = "";

    public override bool Execute()
    {
        if (SystemLibStdCxxHas(VersionName))
        {
            Log.LogMessage(MessageImportance.Low, "System libstdc++ provides " + VersionName + ": no patch needed.");
            return true;
        }

        foreach (var item in Files)
        {
            var path = item.GetMetadata("FullPath");
            try
            {
                var outcome = Patch(path, VersionName);
                Log.LogMessage(MessageImportance.Normal, "libLibTorchSharp patch: " + path + ": " + outcome);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is InvalidDataException)
            {
                Log.LogError("Could not mark " + VersionName + " weak in " + path + ": " + ex.Message);
            }
        }

        return !Log.HasLoggedErrors;
    }

    /// <summary>True when some libstdc++.so.6 in the usual directories contains the version string.</summary>
    private static bool SystemLibStdCxxHas(string version)
    {
        var needle = Encoding.ASCII.GetBytes(version + "\0");
        foreach (var dir in LibDirs)
        {
            var lib = Path.Combine(dir, "libstdc++.so.6");
            if (File.Exists(lib) && Contains(File.ReadAllBytes(lib), needle)) return true;
        }

        return false;
    }

    private static bool Contains(byte[] haystack, byte[] needle)
    {
        for (var i = 0; i <= haystack.Length - needle.Length; i++)
        {
            var j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return true;
        }

        return false;
    }

    /// <summary>Sets VER_FLG_WEAK on the Vernaux named <paramref name="version"/>; returns what happened.</summary>
    private static string Patch(string path, string version)
    {
        long flagsOffset;
        using (var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            flagsOffset = FindVernauxFlags(fs, version);
            if (flagsOffset < 0) return "no " + version + " requirement (nothing to do)";
            fs.Position = flagsOffset;
            var flags = ReadU16(fs);
            if ((flags & VerFlgWeak) != 0) return "already weak";
        }

        // Patch a temporary copy and move it over the original: this breaks any hard link into the NuGet cache,
        // so the package's own file is never modified. Keep the timestamp so incremental copies skip the file.
        // A unique temp name and an atomic rename keep two builds of the same project (parallel helpers) safe.
        var stamp = File.GetLastWriteTimeUtc(path);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".qspatch";
        try
        {
            File.Copy(path, temp, true);
            using (var fs = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            {
                fs.Position = flagsOffset;
                var flags = ReadU16(fs);
                fs.Position = flagsOffset;
                WriteU16(fs, (ushort)(flags | VerFlgWeak));
            }

            File.SetLastWriteTimeUtc(temp, stamp);
            File.Replace(temp, path, null);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }

        return IsWeak(path, flagsOffset) ? "marked weak" : throw new IOException("the flag did not stick");
    }

    private static bool IsWeak(string path, long flagsOffset)
    {
        using (var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            fs.Position = flagsOffset;
            return (ReadU16(fs) & VerFlgWeak) != 0;
        }
    }

    /// <summary>File offset of vna_flags of the matching Vernaux, or -1. ELF64 little-endian only.</summary>
    private static long FindVernauxFlags(FileStream fs, string version)
    {
        var ident = new byte[16];
        if (fs.Read(ident, 0, 16) != 16 || ident[0] != 0x7f || ident[1] != (byte)'E' || ident[2] != (byte)'L' || ident[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (ident[4] != 2 || ident[5] != 1) throw new InvalidDataException("only ELF64 little-endian is supported");

        fs.Position = 0x28; // e_shoff
        var shoff = (long)ReadU64(fs);
        fs.Position = 0x3A; // e_shentsize, e_shnum
        var shentsize = ReadU16(fs);
        var shnum = ReadU16(fs);

        for (var i = 0; i < shnum; i++)
        {
            var sh = shoff + (long)i * shentsize;
            fs.Position = sh + 4; // sh_type
            if (ReadU32(fs) != ShtGnuVerneed) continue;
            fs.Position = sh + 0x18; // sh_offset
            var secOffset = (long)ReadU64(fs);
            fs.Position = sh + 0x28; // sh_link (string table), sh_info (number of Verneed entries)
            var link = ReadU32(fs);
            var count = ReadU32(fs);

            fs.Position = shoff + (long)link * shentsize + 0x18;
            var strOffset = (long)ReadU64(fs);

            var vn = secOffset;
            for (var n = 0; n < count; n++)
            {
                fs.Position = vn + 2; // vn_cnt
                var auxCount = ReadU16(fs);
                fs.Position = vn + 8; // vn_aux, vn_next (relative offsets)
                var aux = vn + ReadU32(fs);
                var next = ReadU32(fs);
                for (var a = 0; a < auxCount; a++)
                {
                    fs.Position = aux + 8; // vna_name, vna_next
                    var name = ReadU32(fs);
                    var auxNext = ReadU32(fs);
                    if (ReadCString(fs, strOffset + name) == version) return aux + 4; // vna_flags
                    if (auxNext == 0) break;
                    aux += auxNext;
                }

                if (next == 0) break;
                vn += next;
            }
        }

        return -1;
    }

    private static string ReadCString(FileStream fs, long offset)
    {
        fs.Position = offset;
        var sb = new StringBuilder();
        int b;
        while ((b = fs.ReadByte()) > 0 && sb.Length < 256) sb.Append((char)b);
        return sb.ToString();
    }

    private static byte[] ReadExact(FileStream fs, int n)
    {
        var buf = new byte[n];
        if (fs.Read(buf, 0, n) != n) throw new InvalidDataException("truncated ELF file");
        return buf;
    }

    private static ushort ReadU16(FileStream fs) => BitConverter.ToUInt16(ReadExact(fs, 2), 0);
    private static uint ReadU32(FileStream fs) => BitConverter.ToUInt32(ReadExact(fs, 4), 0);
    private static ulong ReadU64(FileStream fs) => BitConverter.ToUInt64(ReadExact(fs, 8), 0);

    private static void WriteU16(FileStream fs, ushort value) => fs.Write(BitConverter.GetBytes(value), 0, 2);
}
