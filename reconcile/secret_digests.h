// spec.secretEnv in the manifest sync (docs/contract.md §2 "Secrets"): the
// declared specs carry the keyed digest of each secret, so that a changed
// secret changes the spec (a new generation, then an update) while the
// value itself stays in its file.
#pragma once

#include "reconcile/desired_sync.h"
#include "reconcile/ports/secret_source.h"

namespace rtm {

// Sets SecretEnvSource::digest of every spec.secretEnv entry of every
// runtime `scan` declares. A file one of whose secrets cannot be digested
// (missing, unreadable, no --secrets-dir) becomes invalid: a problem
// "path:line: spec.secretEnv.NAME: <why>" per secret, and it declares
// nothing, so what it declared before stays in force (ScannedFile).
void StampSecretDigests(ManifestScan& scan, SecretSource& secrets);

}  // namespace rtm
