// The values of spec.secretEnv (docs/contract.md §2 "Secrets"): files under
// the operator's --secrets-dir (a mounted Kubernetes Secret, say). A value
// leaves this port only into the environment of the container being
// created; the rest of rtmanager sees the file's name and a keyed digest.
#pragma once

#include <string>
#include <string_view>

#include "reconcile/domain/error.h"

namespace rtm {

class SecretSource {
 public:
  virtual ~SecretSource() = default;

  // The content of `file`, a path relative to the secrets directory.
  // kInvalidRequest when no secrets directory is configured, for a path
  // that is not clean and relative (IsCleanRelativePath) or a file larger
  // than 64 KiB; kNotFound when there is no such file; kServiceUnavailable
  // when it cannot be read. Messages name the file, never its content.
  virtual Expected<std::string> Read(std::string_view file) = 0;

  // A keyed digest of `file`'s content (HMAC-SHA256 under a key kept
  // outside the store, hex): equal contents give equal digests under one
  // key, and the digest tells nothing of the content to whoever lacks the
  // key. Errors as Read.
  virtual Expected<std::string> Digest(std::string_view file) = 0;
};

}  // namespace rtm
