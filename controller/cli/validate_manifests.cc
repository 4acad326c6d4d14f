#include "controller/cli/validate_manifests.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "controller/manifests/manifest_files.h"

namespace rtm {
namespace {

struct ManifestText {
  std::string content;
  std::string error;  // "" when read
};

// At most one byte past the size limit: enough for the parser to report it.
ManifestText ReadManifest(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {"", std::strerror(errno)};
  std::string content(max_bytes + 1, '\0');
  in.read(content.data(), static_cast<std::streamsize>(content.size()));
  if (in.bad()) return {"", "read error"};
  content.resize(static_cast<size_t>(in.gcount()));
  return {std::move(content), ""};
}

std::string Where(const ManifestSource& source) {
  return source.path + ":" + std::to_string(source.line);
}

class Validator {
 public:
  explicit Validator(ManifestLimits limits) : limits_(std::move(limits)) {}

  void AddPath(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
      report_.unreadable.push_back("cannot read " + path + ": " + std::strerror(errno));
      return;
    }
    if (!S_ISDIR(info.st_mode)) {
      AddFile(path);
      return;
    }
    Expected<std::vector<std::string>> files = ListManifestFiles(path);
    if (!files) {
      report_.unreadable.push_back(files.error().message);
      return;
    }
    const std::string prefix = path.ends_with('/') ? path : path + "/";
    for (const std::string& relative : *files) AddFile(prefix + relative);
  }

  ValidationReport Finish() { return std::move(report_); }

 private:
  void AddFile(const std::string& path) {
    std::error_code ignored;
    if (!files_read_.insert(std::filesystem::weakly_canonical(path, ignored)).second) {
      return;
    }
    ManifestText text = ReadManifest(path, limits_.max_file_bytes);
    if (!text.error.empty()) {
      report_.unreadable.push_back("cannot read " + path + ": " + text.error);
      return;
    }
    ++report_.files;
    ParsedManifestFile parsed = ParseManifest(path, text.content, limits_);
    std::stable_sort(parsed.problems.begin(), parsed.problems.end(),
                     [](const ManifestProblem& a, const ManifestProblem& b) {
                       return a.line < b.line;
                     });
    report_.problems.insert(report_.problems.end(), parsed.problems.begin(),
                            parsed.problems.end());
    for (const ParsedRuntime& runtime : parsed.runtimes) AddRuntime(runtime);
  }

  void AddRuntime(const ParsedRuntime& runtime) {
    auto [first, inserted] = first_declared_.try_emplace(runtime.name, runtime.source);
    if (inserted) {
      ++report_.runtimes;
      return;
    }
    report_.problems.push_back(ManifestProblem{
        .path = runtime.source.path,
        .document_index = runtime.source.document_index,
        .line = runtime.source.line,
        .field = "metadata.name",
        .message = "duplicate name \"" + runtime.name + "\" (first declared at " +
                   Where(first->second) + ")"});
  }

  ManifestLimits limits_;
  ValidationReport report_;
  std::map<std::string, ManifestSource> first_declared_;
  std::set<std::filesystem::path> files_read_;
};

}  // namespace

ValidationReport ValidateManifests(const std::vector<std::string>& paths,
                                   const ManifestLimits& limits) {
  Validator validator(limits);
  for (const std::string& path : paths) validator.AddPath(path);
  return validator.Finish();
}

std::string FormatValidationReport(const ValidationReport& report) {
  std::string text;
  for (const ManifestProblem& problem : report.problems) text += problem.Format() + "\n";
  if (report.ok()) {
    text += std::to_string(report.files) + " manifests valid (" +
            std::to_string(report.runtimes) + " runtimes)\n";
  }
  return text;
}

}  // namespace rtm
