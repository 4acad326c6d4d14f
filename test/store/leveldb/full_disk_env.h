// A leveldb::Env on the real file system whose files stop taking bytes
// while the "disk" is full, as on a full disk: Append, Flush and Sync then
// fail with leveldb's IOError "No space left on device". For tests of
// LeveldbDatabase's failed-write handling (store/leveldb/leveldb_database.h)
// without a small file system to fill.
#pragma once

#include <atomic>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include <leveldb/env.h>
#include <leveldb/status.h>

namespace rtm {

class FullDiskEnv : public leveldb::EnvWrapper {
 public:
  FullDiskEnv() : EnvWrapper(leveldb::Env::Default()) {}

  void SetFull(bool full) { full_ = full; }

  leveldb::Status NewWritableFile(const std::string& name,
                                  leveldb::WritableFile** result) override {
    return Wrapped(target()->NewWritableFile(name, result), name, result);
  }
  leveldb::Status NewAppendableFile(const std::string& name,
                                    leveldb::WritableFile** result) override {
    return Wrapped(target()->NewAppendableFile(name, result), name, result);
  }

 private:
  class File final : public leveldb::WritableFile {
   public:
    File(leveldb::WritableFile* file, std::string name, const std::atomic<bool>& full)
        : file_(file), name_(std::move(name)), full_(full) {}
    leveldb::Status Append(const leveldb::Slice& data) override {
      return full_ ? NoSpace() : file_->Append(data);
    }
    leveldb::Status Close() override { return file_->Close(); }
    leveldb::Status Flush() override { return full_ ? NoSpace() : file_->Flush(); }
    leveldb::Status Sync() override { return full_ ? NoSpace() : file_->Sync(); }

   private:
    leveldb::Status NoSpace() const {
      return leveldb::Status::IOError(name_, std::strerror(ENOSPC));
    }
    std::unique_ptr<leveldb::WritableFile> file_;
    std::string name_;
    const std::atomic<bool>& full_;
  };

  leveldb::Status Wrapped(leveldb::Status opened, const std::string& name,
                          leveldb::WritableFile** result) {
    if (opened.ok()) *result = new File(*result, name, full_);
    return opened;
  }

  std::atomic<bool> full_{false};
};

}  // namespace rtm
