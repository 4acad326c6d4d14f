#include "controller/manifests/manifest_parser.h"

#include <map>
#include <string>

#include "controller/manifests/json_reader.h"
#include "controller/manifests/manifest_decoder.h"
#include "controller/manifests/manifest_tree.h"
#include "controller/manifests/yaml_reader.h"

namespace rtm {
namespace {

enum class ManifestFormat { kYaml, kJson, kUnsupported };

ManifestFormat FormatOf(std::string_view path) {
  if (path.ends_with(".yaml") || path.ends_with(".yml")) {
    return ManifestFormat::kYaml;
  }
  if (path.ends_with(".json")) return ManifestFormat::kJson;
  return ManifestFormat::kUnsupported;
}

ParsedManifestFile FileProblem(std::string_view path, int document_index,
                               int line, std::string message) {
  ParsedManifestFile file;
  file.problems.push_back(ManifestProblem{.path = std::string(path),
                                          .document_index = document_index,
                                          .line = line,
                                          .message = std::move(message)});
  return file;
}

ReadResult ReadDocuments(ManifestFormat format, std::string_view content,
                         const ManifestLimits& limits) {
  if (format == ManifestFormat::kJson) {
    return ReadJsonDocuments(content, limits);
  }
  return ReadYamlDocuments(content, limits);
}

// A later document reusing a name declared earlier in the same file.
void ReportDuplicateName(std::string_view path,
                         const ManifestDocument& document,
                         const DecodedDocument& decoded, int first_line,
                         std::vector<ManifestProblem>& problems) {
  const std::string what =
      decoded.kind == kBudgetKind ? "duplicate budget name \"" : "duplicate name \"";
  problems.push_back(ManifestProblem{
      .path = std::string(path),
      .document_index = document.index,
      .line = decoded.name_line,
      .field = "metadata.name",
      .message = what + *decoded.name +
                 "\", first declared at line " + std::to_string(first_line)});
}

ParsedManifestFile DecodeDocuments(
    std::string_view path, const std::vector<ManifestDocument>& documents,
    const ManifestLimits& limits) {
  ParsedManifestFile file;
  std::map<std::string, int, std::less<>> first_lines;
  for (const ManifestDocument& document : documents) {
    DecodedDocument decoded =
        DecodeDocument(path, document, file.problems, limits);
    if (!decoded.name) continue;
    // Games and budgets are named apart.
    auto [first, inserted] = first_lines.try_emplace(
        std::string(decoded.kind) + "/" + *decoded.name, decoded.name_line);
    if (!inserted) {
      ReportDuplicateName(path, document, decoded, first->second,
                          file.problems);
    } else if (decoded.runtime) {
      file.runtimes.push_back(std::move(*decoded.runtime));
    } else if (decoded.budget) {
      file.budgets.push_back(std::move(*decoded.budget));
    }
  }
  return file;
}

std::string TooLargeMessage(size_t size, const ManifestLimits& limits) {
  return "file is " + std::to_string(size) + " bytes, more than the limit of " +
         std::to_string(limits.max_file_bytes);
}

}  // namespace

std::string ManifestProblem::Format() const {
  std::string text = path;
  if (line > 0) text += ":" + std::to_string(line);
  text += ": ";
  if (!field.empty()) text += field + ": ";
  return text + message;
}

ParsedManifestFile ParseManifest(std::string_view path,
                                 std::string_view content,
                                 const ManifestLimits& limits) {
  try {
    if (content.size() > limits.max_file_bytes) {
      return FileProblem(path, -1, 0, TooLargeMessage(content.size(), limits));
    }
    const ManifestFormat format = FormatOf(path);
    if (format == ManifestFormat::kUnsupported) {
      return FileProblem(path, -1, 0,
                         "unsupported file type (want .yaml, .yml or .json)");
    }
    ReadResult documents = ReadDocuments(format, content, limits);
    if (!documents) {
      return FileProblem(path, documents.error().document_index,
                         documents.error().line, documents.error().message);
    }
    return DecodeDocuments(path, *documents, limits);
  } catch (const std::exception& error) {
    return FileProblem(path, -1, 0, error.what());
  }
}

}  // namespace rtm
