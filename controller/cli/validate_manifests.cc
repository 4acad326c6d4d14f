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

  ValidationReport Finish() {
    CheckBudgets();
    return std::move(report_);
  }

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
    for (DisruptionBudget& budget : parsed.budgets) AddBudget(std::move(budget));
  }

  void AddBudget(DisruptionBudget budget) {
    auto [first, inserted] = first_budgets_.try_emplace(budget.name, budget.source);
    if (!inserted) {
      report_.problems.push_back(ManifestProblem{
          .path = budget.source.path,
          .document_index = budget.source.document_index,
          .line = budget.source.line,
          .field = "metadata.name",
          .message = "duplicate budget name \"" + budget.name +
                     "\" (first declared at " + Where(first->second) + ")"});
      return;
    }
    ++report_.budgets;
    budgets_.push_back(std::move(budget));
  }

  // Overlaps (a problem at the later budget) and budgets selecting nothing
  // (a warning), over every game read.
  void CheckBudgets() {
    for (size_t later = 0; later < budgets_.size(); ++later) {
      const DisruptionBudget& budget = budgets_[later];
      std::map<size_t, std::vector<std::string>> shared;  // earlier → games
      bool selects = false;
      for (const auto& [name, labels] : labels_) {
        if (!budget.Selects(labels)) continue;
        selects = true;
        for (size_t earlier = 0; earlier < later; ++earlier) {
          if (budgets_[earlier].Selects(labels)) {
            shared[earlier].push_back(name);
            break;
          }
        }
      }
      for (const auto& [earlier, games] : shared) {
        std::string message = "overlaps budget \"" + budgets_[earlier].name +
                              "\" (" + Where(budgets_[earlier].source) +
                              "): both select \"" + games.front() + "\"";
        if (games.size() > 1) {
          message += " and " + std::to_string(games.size() - 1) + " more game" +
                     (games.size() > 2 ? "s" : "");
        }
        report_.problems.push_back(ManifestProblem{
            .path = budget.source.path,
            .document_index = budget.source.document_index,
            .line = budget.source.line,
            .field = "spec.selector",
            .message = message + "; a game may have one disruption budget"});
      }
      if (!selects) {
        report_.warnings.push_back(Where(budget.source) +
                                   ": spec.selector: selects no game in these "
                                   "manifests");
      }
    }
  }

  void AddRuntime(const ParsedRuntime& runtime) {
    // A value in the manifest under a secret's name: it is in the repository
    // and in the store (the API redacts it, but it is there).
    for (const auto& [name, value] : runtime.spec.env) {
      if (LooksLikeSecretName(name)) {
        report_.warnings.push_back(Where(runtime.source) + ": spec.env." + name +
                                   ": looks like a secret; put it in a file under "
                                   "--secrets-dir and name it in spec.secretEnv");
      }
    }
    auto [first, inserted] = first_declared_.try_emplace(runtime.name, runtime.source);
    if (inserted) {
      ++report_.runtimes;
      labels_.emplace(runtime.name, runtime.labels);
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
  std::map<std::string, std::map<std::string, std::string>> labels_;  // by game
  std::map<std::string, ManifestSource> first_budgets_;
  std::vector<DisruptionBudget> budgets_;
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
  for (const std::string& warning : report.warnings) {
    text += "warning: " + warning + "\n";
  }
  if (report.ok()) {
    text += std::to_string(report.files) + " manifests valid (" +
            std::to_string(report.runtimes) + " runtimes";
    if (report.budgets > 0) {
      text += ", " + std::to_string(report.budgets) + " disruption budget" +
              (report.budgets > 1 ? "s" : "");
    }
    text += ")\n";
  }
  return text;
}

}  // namespace rtm
