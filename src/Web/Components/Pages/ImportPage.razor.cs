using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.Options;
using QuantScope.Data;
using QuantScope.Data.Import;
using QuantScope.Data.Runs;
using QuantScope.Data.Series;
using QuantScope.Web.Import;
using QuantScope.Web.Security;

namespace QuantScope.Web.Components.Pages;

/// <summary>
/// The dashboard's import page: pick a log (or several TensorBoard event files), a format, a step column and a name;
/// <see cref="UploadedLogImporter"/> does the work, this class only wires the inputs to it and shows the result or
/// the reason a log was refused.
/// </summary>
public partial class ImportPage
{
    private const int MaxFiles = 64;
    private const int MaxSkippedShown = 50;

    private IReadOnlyList<IBrowserFile> _files = [];
    private string _format = ImportFormats.Auto;
    private string _stepColumn = "";
    private string _name = "";
    private bool _busy;
    private string? _error;
    private ImportResult? _result;

    [Inject] private RunRepository Runs { get; set; } = null!;
    [Inject] private MetricSeriesWriter Writer { get; set; } = null!;
    [Inject] private QuantScopeDatabase Database { get; set; } = null!;
    [Inject] private IOptions<SecurityOptions> Security { get; set; } = null!;

    private void OnFilesPicked(InputFileChangeEventArgs e)
    {
        _error = null;
        _result = null;
        if (e.FileCount > MaxFiles)
        {
            _files = [];
            _error = $"At most {MaxFiles} files at once; import the folder with the import verb instead.";
            return;
        }
        _files = e.GetMultipleFiles(MaxFiles);
    }

    private async Task ImportAsync()
    {
        _busy = true;
        _error = null;
        _result = null;
        var streams = new List<Stream>();
        try
        {
            var maxBytes = Security.Value.MaxUploadBytes;
            if (_files.Sum(f => f.Size) > maxBytes)
            {
                _error = $"The files hold more than {maxBytes} bytes, the most an import takes.";
                return;
            }
            var files = new List<(string, Stream)>();
            foreach (var file in _files)
            {
                var stream = file.OpenReadStream(maxBytes);
                streams.Add(stream);
                files.Add((file.Name, stream));
            }
            var importer = new UploadedLogImporter(Runs, Writer, Database);
            _result = await importer.ImportAsync(files, _format, _stepColumn, _name, CancellationToken.None);
        }
        catch (InvalidDataException ex)
        {
            _error = ex.Message;
        }
        catch (IOException ex)
        {
            // OpenReadStream's size limit and a browser that goes away mid-upload both land here.
            _error = $"The file could not be read: {ex.Message}";
        }
        finally
        {
            foreach (var stream in streams) await stream.DisposeAsync();
            _busy = false;
        }
    }
}
