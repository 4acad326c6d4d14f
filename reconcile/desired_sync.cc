#include "reconcile/desired_sync.h"

#include <set>

namespace rtm {
namespace {

std::string Where(const ManifestSource& source) {
  return source.path + ":" + std::to_string(source.line);
}

// The first declaration of every name, in path order, plus the conflicts.
std::map<std::string, const DeclaredRuntime*> Winners(
    const ManifestScan& scan, std::vector<std::string>& conflicts,
    std::map<std::string, std::string>& conflict_notes) {
  std::map<std::string, const DeclaredRuntime*> winners;
  for (const ScannedFile& file : scan.files) {
    if (!file.problems.empty()) continue;
    for (const DeclaredRuntime& runtime : file.runtimes) {
      auto [it, inserted] = winners.emplace(runtime.name, &runtime);
      if (inserted) continue;
      const std::string message =
          runtime.name + ": declared in " + Where(runtime.source) + " and " +
          Where(it->second->source) + "; " + it->second->source.path + " wins";
      conflicts.push_back(message);
      conflict_notes[runtime.name] = "conflict: " + message;
    }
  }
  return winners;
}

// The desired object `declared` makes of `previous` (nullptr: none stored).
DesiredRuntime Apply(const DesiredRuntime* previous,
                     const DeclaredRuntime& declared,
                     const std::string& conflict_note) {
  DesiredRuntime next = previous ? *previous : DesiredRuntime{};
  next.name = declared.name;
  next.source = declared.source;
  next.manifest_error = conflict_note;

  if (previous && !previous->deleted &&
      declared.spec.restart_generation < previous->spec.restart_generation) {
    next.manifest_error =
        Where(declared.source) + ": spec.restartGeneration: must not decrease (" +
        std::to_string(previous->spec.restart_generation) + " -> " +
        std::to_string(declared.spec.restart_generation) +
        "); the last valid spec stays in force";
    return next;
  }

  const bool changed = !previous || previous->deleted ||
                       previous->spec != declared.spec ||
                       previous->labels != declared.labels;
  if (!changed) return next;
  if (!previous || previous->deleted ||
      declared.spec.restart_generation != previous->spec.restart_generation) {
    next.restart_source = OpSource::kManifest;
    next.restart_source_ref.clear();
  }
  next.spec = declared.spec;
  next.labels = declared.labels;
  next.deleted = false;
  next.generation = (previous ? previous->generation : 0) + 1;
  return next;
}

}  // namespace

DesiredSyncResult SyncDesiredState(const DesiredIndex& stored,
                                   const ManifestScan& scan) {
  DesiredSyncResult result;
  std::map<std::string, std::string> conflict_notes;
  const auto winners = Winners(scan, result.conflicts, conflict_notes);

  std::map<std::string, const ScannedFile*> invalid_files;
  for (const ScannedFile& file : scan.files) {
    if (!file.problems.empty()) invalid_files[file.path] = &file;
  }

  for (const auto& [name, declared] : winners) {
    auto found = stored.find(name);
    const DesiredRuntime* previous =
        found == stored.end() ? nullptr : &found->second;
    // A live object still owned by an invalid file keeps its last valid
    // state, even if another file now declares the same name.
    if (previous && !previous->deleted &&
        invalid_files.contains(previous->source.path)) {
      continue;
    }
    auto note = conflict_notes.find(name);
    DesiredRuntime next =
        Apply(previous, *declared,
              note == conflict_notes.end() ? "" : note->second);
    if (!previous || next != *previous) result.writes.push_back(std::move(next));
  }

  for (const auto& [name, runtime] : stored) {
    if (runtime.deleted) continue;
    auto invalid = invalid_files.find(runtime.source.path);
    if (invalid == invalid_files.end() && winners.contains(runtime.name)) {
      continue;
    }
    DesiredRuntime next = runtime;
    if (invalid != invalid_files.end()) {
      next.manifest_error = invalid->second->problems;
    } else {
      next.deleted = true;
      next.manifest_error.clear();
      ++next.generation;
    }
    if (next != runtime) result.writes.push_back(std::move(next));
  }
  return result;
}

}  // namespace rtm
