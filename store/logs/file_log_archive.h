// The LogArchive port on local files: one file per game,
// <directory>/<game>.log, a JSON header line ({"containerId", "archivedAt"})
// then the logs as they were. Written to a temporary file and renamed over
// the old one, so a reader never sees half of it.
#pragma once

#include <string>
#include <string_view>

#include "reconcile/ports/log_archive.h"

namespace rtm {

class FileLogArchive final : public LogArchive {
 public:
  // Creates `directory` and its missing parents (mode 0700) at the first
  // Keep.
  explicit FileLogArchive(std::string directory);

  Expected<void> Keep(std::string_view game_id, const ArchivedLogs& logs) override;
  Expected<ArchivedLogs> Previous(std::string_view game_id) override;

 private:
  std::string PathOf(std::string_view game_id) const;

  const std::string directory_;
};

}  // namespace rtm
