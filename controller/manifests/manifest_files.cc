#include "controller/manifests/manifest_files.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <filesystem>
#include <system_error>

namespace rtm {
namespace {

namespace fs = std::filesystem;

constexpr std::array<std::string_view, 3> kManifestExtensions{".yaml", ".yml",
                                                              ".json"};
constexpr std::array<std::string_view, 7> kTempSuffixes{
    "~", "#", ".swp", ".swx", ".swo", ".tmp", ".bak"};
constexpr std::string_view kVimWriteProbe = "4913";

std::string_view BaseName(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool IsHidden(std::string_view name) { return name.starts_with('.'); }

bool IsEditorTemp(std::string_view name) {
  if (name == kVimWriteProbe || name.starts_with('#')) return true;
  return std::any_of(
      kTempSuffixes.begin(), kTempSuffixes.end(),
      [&](std::string_view suffix) { return name.ends_with(suffix); });
}

bool HasManifestExtension(std::string_view name) {
  return std::any_of(kManifestExtensions.begin(), kManifestExtensions.end(),
                     [&](std::string_view extension) {
                       return name.size() > extension.size() &&
                              name.ends_with(extension);
                     });
}

std::unexpected<Error> Unreadable(const fs::path& directory,
                                  const std::error_code& error) {
  return Fail(ErrorCode::kServiceUnavailable,
              "cannot read manifest directory " + directory.string() + ": " +
                  error.message());
}

// An error while walking below root; `at` is the last path reached.
std::unexpected<Error> UnreadableBelow(const fs::path& root, const fs::path& at,
                                       const std::error_code& error) {
  return Fail(ErrorCode::kServiceUnavailable,
              "cannot read manifest directory " + root.string() + " (at " +
                  at.string() + "): " + error.message());
}

bool IsNotFound(const std::error_code& error) {
  return error == std::errc::no_such_file_or_directory;
}

// Whether the entry is a manifest to list: a (symlink to a) regular file
// with a manifest name. A dangling link or a file deleted meanwhile is not.
Expected<bool> IsListedFile(const fs::directory_entry& entry) {
  if (!IsManifestFileName(entry.path().filename().native())) return false;
  std::error_code error;
  const bool regular = entry.is_regular_file(error);
  if (error && !IsNotFound(error)) return Unreadable(entry.path(), error);
  return regular && !error;
}

Expected<void> CheckIsDirectory(const fs::path& root) {
  std::error_code error;
  const bool directory = fs::is_directory(root, error);
  if (error) return Unreadable(root, error);
  if (!directory) {
    return Fail(ErrorCode::kServiceUnavailable,
                "manifest directory " + root.string() + " is not a directory");
  }
  return {};
}

}  // namespace

bool IsManifestFileName(std::string_view filename) {
  const std::string_view name = BaseName(filename);
  return !IsHidden(name) && !IsEditorTemp(name) && HasManifestExtension(name);
}

Expected<std::vector<std::string>> ListManifestFiles(const std::string& root) {
  const fs::path root_path(root);
  if (auto directory = CheckIsDirectory(root_path); !directory) {
    return std::unexpected(directory.error());
  }
  const size_t prefix_length = (root_path / "").native().size();
  std::error_code error;
  fs::recursive_directory_iterator it(root_path, error);
  fs::path reached = root_path;
  std::vector<std::string> files;
  for (; !error && it != fs::end(it); it.increment(error)) {
    const fs::directory_entry& entry = *it;
    reached = entry.path();
    if (IsHidden(entry.path().filename().native())) {
      it.disable_recursion_pending();
      continue;
    }
    Expected<bool> listed = IsListedFile(entry);
    if (!listed) return std::unexpected(listed.error());
    if (*listed) files.push_back(entry.path().native().substr(prefix_length));
  }
  if (error) return UnreadableBelow(root_path, reached, error);
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace rtm
