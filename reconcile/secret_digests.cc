#include "reconcile/secret_digests.h"

#include <string>

namespace rtm {

void StampSecretDigests(ManifestScan& scan, SecretSource& secrets) {
  for (ScannedFile& file : scan.files) {
    std::string problems;
    for (DeclaredRuntime& runtime : file.runtimes) {
      for (auto& [name, source] : runtime.spec.secret_env) {
        Expected<std::string> digest = secrets.Digest(source.file);
        if (digest) {
          source.digest = std::move(*digest);
          continue;
        }
        problems += (problems.empty() ? "" : "\n") + file.path + ":" +
                    std::to_string(runtime.source.line) + ": spec.secretEnv." + name +
                    ": " + digest.error().message;
      }
    }
    if (problems.empty()) continue;
    file.problems += (file.problems.empty() ? "" : "\n") + problems;
    file.runtimes.clear();
    file.budgets.clear();
  }
}

}  // namespace rtm
