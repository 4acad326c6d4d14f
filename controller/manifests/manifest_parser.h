// GameRuntime manifests (docs/contract.md §2) → domain desired state: parsing and
// strict validation of one file's content. No file I/O, no exceptions.
//
// Formats, chosen by the path's extension (case-sensitive):
//   .yaml / .yml  one or more YAML documents separated by `---`;
//   .json         one object, or an array of objects (one per document).
// Both are read into one format-neutral tree (manifest_tree.h) and validated
// by the same code, so the same manifest in either form gives the same
// ParsedRuntime.
//
// Scalar typing: JSON types are taken as written. YAML plain scalars are
// resolved with the YAML 1.2 core schema (null: ~ null Null NULL and empty;
// bool: true/True/TRUE/false/False/FALSE; int: [-+]?[0-9]+; float:
// decimal/exponent forms and .inf/.nan), except that hex and octal forms stay
// strings; quoted or `!!str` scalars are strings. A string field accepts only
// strings (`image: 123` is "must be a string"), an integer field only
// integers (no booleans, floats or quoted digits); env, labels and
// nodeSelector values accept any scalar and keep its text. An explicit null is the same as an
// absent field. YAML merge keys (`<<`) are not expanded (unknown field).
// An empty YAML file declares nothing; an empty JSON file is a syntax error.
//
// Rules beyond the field list of docs/contract.md §2, each to keep a later step from
// failing or overflowing: hostIP must be an IPv4/IPv6 address; one fixed
// (hostPort, protocol, hostIP) is published once; env names are non-empty
// without '='; restartGeneration <= 2^53-1; memoryMiB <= 8796093022207
// (bytes fit int64); cpus <= 1000000; int fields <= 2147483647; nodeName is
// a DNS label and nodeSelector keys and values follow the selector syntax of
// reconcile/domain/game_spec.h (an entry is named spec.nodeSelector["key"]).
//
// Lines: YAML lines are yaml-cpp marks (where the node starts). JSON lines
// are exact as well: the reader tracks how far nlohmann's lexer has read (a
// scalar's line is where its token ends, a map's or list's where it opens,
// a key's where the key is). An unknown or repeated field is reported at its
// key, a wrong value at the value, a missing field at its parent's key (the
// document's first line for top-level fields). A document's source.line is
// the line of its root node (the first key, or JSON's `{`). Syntax errors
// carry the parser's line (yaml-cpp often points at the end of input).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "reconcile/domain/game_runtime.h"
#include "reconcile/domain/game_spec.h"
#include "reconcile/desired_sync.h"
#include "reconcile/ports/time_zones.h"

namespace rtm {

inline constexpr std::string_view kManifestApiVersion = "rtmanager.galaxy/v1";
inline constexpr std::string_view kManifestKind = "GameRuntime";
inline constexpr std::string_view kBudgetKind = "DisruptionBudget";

struct ManifestProblem {
  std::string path;        // as given to ParseManifest
  int document_index = 0;  // 0-based; -1 for file-level problems
  int line = 0;            // 1-based; 0 when no line applies
  std::string field;       // e.g. "spec.ports[1].hostPort"; "" file-level
  std::string message;     // e.g. "unknown field", "must be >= 0"

  // "path:line: field: message" — the `rtmanager validate` line. ":line" is
  // left out when line is 0, "field: " when field is empty.
  std::string Format() const;

  friend bool operator==(const ManifestProblem&,
                         const ManifestProblem&) = default;
};

// One valid document: the core's DeclaredRuntime.
using ParsedRuntime = DeclaredRuntime;

// runtimes and budgets hold every valid document of the file (by kind), in
// file order; each
// invalid document contributes problems instead. After a file-level problem
// (size, syntax, a read limit, unsupported extension) runtimes is empty:
// the file was not read to its end.
struct ParsedManifestFile {
  std::vector<ParsedRuntime> runtimes;
  std::vector<DisruptionBudget> budgets;
  std::vector<ManifestProblem> problems;

  bool ok() const { return problems.empty(); }
};

// Bounds on what one file may cost. Node, byte and depth counts are taken
// after YAML alias expansion (an alias counts once per use), so a
// "billion laughs" file stops at the limit instead of exhausting memory.
struct ManifestLimits {
  size_t max_file_bytes = 1 << 20;
  size_t max_documents = 1000;
  size_t max_nodes = 200000;          // map, list and scalar values
  size_t max_scalar_bytes = 8 << 20;  // text of keys and scalars
  size_t max_depth = 64;              // nesting of maps and lists
  // The prefixes spec.volumes[].hostPath may be under (clean absolute
  // paths; --allow-host-path); empty: no bind mount of the host at all.
  std::vector<std::string> allowed_host_paths;
  // Where spec.restartSchedule.timeZone is looked up; null: not checked
  // (the controller finds an unknown zone when it schedules).
  TimeZoneDatabase* time_zones = nullptr;
};

// Never throws. `path` names the file in problems and in each runtime's
// source and selects the format by its extension.
ParsedManifestFile ParseManifest(std::string_view path,
                                 std::string_view content,
                                 const ManifestLimits& limits = {});

}  // namespace rtm
