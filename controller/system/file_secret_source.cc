#include "controller/system/file_secret_source.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <utility>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "reconcile/domain/game_spec.h"

namespace rtm {
namespace {

constexpr size_t kMaxSecretBytes = 64 * 1024;
constexpr size_t kDigestKeyBytes = 32;

std::string Hex(const unsigned char* bytes, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 15];
  }
  return out;
}

std::string ErrnoText() { return std::strerror(errno); }

}  // namespace

FileSecretSource::FileSecretSource(std::string directory, std::string digest_key)
    : directory_(std::move(directory)), digest_key_(std::move(digest_key)) {}

Expected<std::string> FileSecretSource::Read(std::string_view file) {
  if (directory_.empty()) {
    return Fail(ErrorCode::kInvalidRequest,
                "secret file " + std::string(file) +
                    ": spec.secretEnv needs rtmanager run --secrets-dir");
  }
  if (!IsCleanRelativePath(file)) {
    return Fail(ErrorCode::kInvalidRequest,
                "secret file \"" + std::string(file) +
                    "\" is not a relative path under --secrets-dir");
  }
  const std::string path = directory_ + "/" + std::string(file);
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    return Fail(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kServiceUnavailable,
                "secret file " + path + ": " + ErrnoText());
  }
  if (!S_ISREG(info.st_mode)) {
    return Fail(ErrorCode::kInvalidRequest, "secret file " + path + " is not a file");
  }
  if (static_cast<size_t>(info.st_size) > kMaxSecretBytes) {
    return Fail(ErrorCode::kInvalidRequest,
                "secret file " + path + " is larger than 64 KiB");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Fail(ErrorCode::kServiceUnavailable, "secret file " + path + ": cannot be read");
  }
  return std::string(std::istreambuf_iterator<char>(in), {});
}

Expected<std::string> FileSecretSource::Digest(std::string_view file) {
  Expected<std::string> value = Read(file);
  if (!value) return std::unexpected(value.error());
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int size = 0;
  if (HMAC(EVP_sha256(), digest_key_.data(), static_cast<int>(digest_key_.size()),
           reinterpret_cast<const unsigned char*>(value->data()), value->size(), mac.data(),
           &size) == nullptr) {
    return Fail(ErrorCode::kInternal, "secret file " + std::string(file) + ": HMAC failed");
  }
  return Hex(mac.data(), size);
}

Expected<std::string> LoadOrCreateDigestKey(const std::string& path) {
  if (const size_t slash = path.rfind('/'); slash != std::string::npos && slash > 0) {
    const std::string directory = path.substr(0, slash);
    if (::mkdir(directory.c_str(), 0700) != 0 && errno != EEXIST) {
      return Fail(ErrorCode::kServiceUnavailable,
                  "secret digest key " + path + ": create " + directory + ": " + ErrnoText());
    }
  }
  const int created = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (created >= 0) {
    std::array<unsigned char, kDigestKeyBytes> key{};
    size_t filled = 0;
    while (filled < key.size()) {
      const ssize_t got = ::getrandom(key.data() + filled, key.size() - filled, 0);
      if (got < 0 && errno != EINTR) break;
      if (got > 0) filled += static_cast<size_t>(got);
    }
    const bool written = filled == key.size() &&
                         ::write(created, key.data(), key.size()) ==
                             static_cast<ssize_t>(key.size()) &&
                         ::fsync(created) == 0;
    ::close(created);
    if (!written) {
      ::unlink(path.c_str());
      return Fail(ErrorCode::kServiceUnavailable,
                  "secret digest key " + path + ": cannot be created");
    }
    return std::string(reinterpret_cast<const char*>(key.data()), key.size());
  }
  if (errno != EEXIST) {
    return Fail(ErrorCode::kServiceUnavailable,
                "secret digest key " + path + ": " + ErrnoText());
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Fail(ErrorCode::kServiceUnavailable,
                "secret digest key " + path + ": cannot be read");
  }
  std::string key(std::istreambuf_iterator<char>(in), {});
  if (key.size() != kDigestKeyBytes) {
    return Fail(ErrorCode::kInvalidRequest,
                "secret digest key " + path + " holds " + std::to_string(key.size()) +
                    " bytes, not 32 (remove it to make a new one: every game with "
                    "spec.secretEnv is then updated once)");
  }
  return key;
}

}  // namespace rtm
