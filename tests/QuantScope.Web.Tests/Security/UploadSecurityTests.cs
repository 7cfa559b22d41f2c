using System.Net.Http.Headers;
using System.Text;
using QuantScope.Web.Api;

namespace QuantScope.Web.Tests.Security;

/// <summary>An upload's file name is a label only: directories are stripped and nothing is written where it points.</summary>
public sealed class UploadSecurityTests
{
    [Theory]
    [InlineData("../../../{0}.log")]
    [InlineData("..\\..\\{0}.log")]
    [InlineData("/tmp/{0}.log")]
    public async Task PostImport_TraversalFileName_StoredUnderGeneratedNameAndLabelStripped(string pattern)
    {
        using var factory = new SecureWebFactory(null);
        using var client = factory.CreateRawClient();
        var marker = $"escape-{Guid.NewGuid():N}";
        var fileName = string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, marker);
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes("step=1 loss=2.5\nstep=2 loss=2.25\n"));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        form.Add(file, "file", "placeholder");
        // Set the raw header so HttpClient does not normalise the name.
        file.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "\"file\"", FileName = $"\"{fileName}\"" };

        using var response = await client.PostAsync("/api/import", form);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetGuid();
        var run = await factory.Services.GetRequiredService<RunRepository>().GetAsync(id, CancellationToken.None);
        Assert.Equal($"{marker}.log", run!.Name);
        var uploads = Path.Combine(Path.GetDirectoryName(factory.DatabasePath)!, ImportEndpoints.UploadFolder);
        Assert.Empty(Directory.GetFiles(uploads)); // spooled under a generated name, deleted once read
        for (var dir = new DirectoryInfo(uploads); dir is not null; dir = dir.Parent)
            Assert.False(File.Exists(Path.Combine(dir.FullName, $"{marker}.log")), dir.FullName);
        Assert.False(File.Exists($"/tmp/{marker}.log"));
    }
}
