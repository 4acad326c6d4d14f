// SecretSource on files: spec.secretEnv values read from --secrets-dir,
// digested with HMAC-SHA256 (OpenSSL) under a key kept in a file of its own.
#pragma once

#include <string>
#include <string_view>

#include "reconcile/ports/secret_source.h"

namespace rtm {

class FileSecretSource final : public SecretSource {
 public:
  // Files are read under `directory` ("": none configured, every call is
  // kInvalidRequest naming --secrets-dir); `digest_key` keys the digests.
  FileSecretSource(std::string directory, std::string digest_key);

  Expected<std::string> Read(std::string_view file) override;
  Expected<std::string> Digest(std::string_view file) override;

 private:
  const std::string directory_;
  const std::string digest_key_;
};

// The digest key kept at `path`: 32 bytes, created (mode 0600, from the
// kernel's CSPRNG; its directory 0700 if missing) when the file does not
// exist. Kept outside the store,
// so that a reader of the store cannot test guesses against a digest; one
// key per controller (docs/contract.md §2 "Secrets"). kServiceUnavailable
// naming the file when it cannot be read or created, kInvalidRequest when
// it holds anything but 32 bytes.
Expected<std::string> LoadOrCreateDigestKey(const std::string& path);

}  // namespace rtm
