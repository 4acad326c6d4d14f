#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "reconcile/domain/time.h"
#include "test/mocks/fake_clock.h"

namespace rtm {

// A fresh directory under /tmp, removed with everything in it on
// destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = "/tmp/rtm_store_test_XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      ADD_FAILURE() << "mkdtemp failed";
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // Where the store lives: a not-yet-existing subdirectory, so that Open's
  // directory creation is exercised too.
  std::string store_dir() const { return (path_ / "data").string(); }

 private:
  std::filesystem::path path_;
};

inline Timestamp At(std::string_view rfc3339) {
  return ParseRfc3339(rfc3339).value();
}

}  // namespace rtm
