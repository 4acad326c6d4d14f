#include "store/logs/file_log_archive.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "reconcile/domain/game_spec.h"

namespace rtm {
namespace {

std::unexpected<Error> Unavailable(const std::string& what) {
  return Fail(ErrorCode::kServiceUnavailable,
              what + ": " + std::strerror(errno));
}

Expected<void> CheckGameId(std::string_view game_id) {
  if (IsValidGameId(game_id)) return {};
  return Fail(ErrorCode::kInvalidRequest,
              "game id \"" + std::string(game_id) + "\" " +
                  std::string(kDnsLabelRule));
}

// `path` and its missing parents, each 0700 (the parents are rtmanager's
// --data-dir, which etcd mode creates for nothing else).
Expected<void> MakeDirectories(const std::string& path) {
  for (size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    const std::string prefix = path.substr(0, slash);
    if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) {
      return Unavailable("create " + prefix);
    }
    if (slash == std::string::npos) return {};
  }
}

}  // namespace

FileLogArchive::FileLogArchive(std::string directory)
    : directory_(std::move(directory)) {}

std::string FileLogArchive::PathOf(std::string_view game_id) const {
  return directory_ + "/" + std::string(game_id) + ".log";
}

Expected<void> FileLogArchive::Keep(std::string_view game_id,
                                    const ArchivedLogs& logs) {
  if (auto valid = CheckGameId(game_id); !valid) return valid;
  if (auto made = MakeDirectories(directory_); !made) return made;
  const std::string path = PathOf(game_id);
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) return Unavailable("open " + temporary);
    const nlohmann::json header{{"containerId", logs.container_id},
                                {"archivedAt", FormatRfc3339(logs.archived_at)}};
    out << header.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
        << '\n'
        << logs.text;
    out.flush();
    if (!out) return Unavailable("write " + temporary);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    return Unavailable("rename " + temporary);
  }
  return {};
}

Expected<ArchivedLogs> FileLogArchive::Previous(std::string_view game_id) {
  if (auto valid = CheckGameId(game_id); !valid) return std::unexpected(valid.error());
  const std::string path = PathOf(game_id);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) {
      return Fail(ErrorCode::kNotFound, "no previous logs kept for game \"" +
                                            std::string(game_id) + "\"");
    }
    return Unavailable("open " + path);
  }
  std::string header_line;
  std::getline(in, header_line);
  const nlohmann::json header = nlohmann::json::parse(header_line, nullptr, false);
  if (!header.is_object() || !header.contains("containerId") ||
      !header["containerId"].is_string() || !header.contains("archivedAt") ||
      !header["archivedAt"].is_string()) {
    return Fail(ErrorCode::kInternal, path + ": not a log archive (bad header line)");
  }
  auto archived_at = ParseRfc3339(header["archivedAt"].get<std::string>());
  if (!archived_at) {
    return Fail(ErrorCode::kInternal, path + ": not a log archive (bad archivedAt)");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return ArchivedLogs{header["containerId"].get<std::string>(), *archived_at,
                      text.str()};
}

}  // namespace rtm
