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
    next.restart_requested_by.reset();
  }
  // A removal's skipped drain wait (DesiredStateWriter::RequestRestart)
  // ends with the removal: a runtime declared again drains again.
  if (previous && previous->deleted) next.force_restart_generation = 0;
  next.spec = declared.spec;
  next.labels = declared.labels;
  next.deleted = false;
  next.generation = (previous ? previous->generation : 0) + 1;
  return next;
}

// The budgets of the valid files, in path order, each name once.
std::vector<const DisruptionBudget*> BudgetWinners(
    const ManifestScan& scan, std::vector<std::string>& problems) {
  std::vector<const DisruptionBudget*> winners;
  std::map<std::string, const DisruptionBudget*> by_name;
  for (const ScannedFile& file : scan.files) {
    if (!file.problems.empty()) continue;
    for (const DisruptionBudget& budget : file.budgets) {
      auto [first, inserted] = by_name.emplace(budget.name, &budget);
      if (!inserted) {
        problems.push_back("disruption budget " + budget.name +
                           ": declared in " + Where(budget.source) + " and " +
                           Where(first->second->source) + "; " +
                           first->second->source.path + " wins");
        continue;
      }
      winners.push_back(&budget);
    }
  }
  return winners;
}

// The budget stamp `runtime` should carry.
std::optional<BudgetTerms> StampFor(
    const DesiredRuntime& runtime,
    const std::vector<const DisruptionBudget*>& budgets,
    const std::set<std::string>& invalid_paths,
    std::set<std::string>& selecting,
    std::vector<std::string>& problems) {
  // Stamped by a budget whose file is now invalid: that stamp stays.
  const std::optional<BudgetTerms>& stamped = runtime.disruption_budget;
  const bool keeps =
      stamped && invalid_paths.contains(stamped->source_path);
  if (keeps) selecting.insert(stamped->name);
  const DisruptionBudget* first = nullptr;
  for (const DisruptionBudget* budget : budgets) {
    if (!budget->Selects(runtime.labels)) continue;
    selecting.insert(budget->name);
    if (keeps) {
      if (budget->name != stamped->name) {
        problems.push_back(runtime.name + ": selected by disruption budget " +
                           budget->name + " (" + Where(budget->source) +
                           "); keeps " + stamped->name + " of the invalid " +
                           stamped->source_path);
      }
      continue;
    }
    if (first == nullptr) {
      first = budget;
      continue;
    }
    problems.push_back(runtime.name + ": selected by disruption budgets " +
                       first->name + " (" + Where(first->source) + ") and " +
                       budget->name + " (" + Where(budget->source) + "); " +
                       first->name + " applies");
  }
  if (keeps) return stamped;
  if (first == nullptr) return std::nullopt;
  return TermsOf(*first);
}

// Stamps every live object with its budget: those in `writes` in place,
// the others (stored, unchanged otherwise) by adding a write.
void StampBudgets(const DesiredIndex& stored, const ManifestScan& scan,
                  DesiredSyncResult& result) {
  const auto budgets = BudgetWinners(scan, result.budget_problems);
  std::set<std::string> invalid_paths;
  for (const ScannedFile& file : scan.files) {
    if (!file.problems.empty()) invalid_paths.insert(file.path);
  }
  std::set<std::string> selecting;  // budgets that select a live game
  std::set<std::string> written;
  for (DesiredRuntime& runtime : result.writes) {
    written.insert(runtime.name);
    if (runtime.deleted) continue;
    runtime.disruption_budget = StampFor(runtime, budgets, invalid_paths,
                                         selecting, result.budget_problems);
  }
  for (const auto& [name, runtime] : stored) {
    if (runtime.deleted || written.contains(name)) continue;
    auto stamp = StampFor(runtime, budgets, invalid_paths, selecting,
                          result.budget_problems);
    if (stamp == runtime.disruption_budget) continue;
    DesiredRuntime next = runtime;
    next.disruption_budget = std::move(stamp);
    result.writes.push_back(std::move(next));
  }
  for (const DisruptionBudget* budget : budgets) {
    if (selecting.contains(budget->name)) continue;
    result.budget_problems.push_back("disruption budget " + budget->name +
                                     " (" + Where(budget->source) +
                                     ") selects no game");
  }
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
  StampBudgets(stored, scan, result);
  return result;
}

}  // namespace rtm
