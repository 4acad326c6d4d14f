// The client commands of the rtmanager binary (docs/contract.md §7): get, describe,
// restart, wait, history, plan and nodes talk to the REST API at --server;
// validate works offline. Exit codes: 0 ok, 1 failure, 2 usage error.
#pragma once

#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/cli/api_client.h"
#include "reconcile/ports/time_zones.h"
#include "reconcile/domain/time.h"

namespace rtm {

inline constexpr int kClientExitOk = 0;
inline constexpr int kClientExitFailure = 1;
inline constexpr int kClientExitUsage = 2;

// True for get, describe, restart, wait, history, plan, nodes and validate.
bool IsClientCommand(std::string_view command);

// Runs `command` with the arguments after it (flags and positionals), writing
// results to `out` and errors, usage and progress to `err`; returns the exit
// code. `--help` prints the command's usage to `out` and returns 0.
int RunClientCommand(const std::string& command,
                     const std::vector<std::string>& args, std::FILE* out,
                     std::FILE* err);

// The client commands' lines of the binary's top-level usage, one per
// command: "  rtmanager get [NAME]", padded so that its summary starts at
// kUsageSummaryColumn.
inline constexpr size_t kUsageSummaryColumn = 32;
std::string ClientCommandsUsage();

// What RunClientCommand takes from the process; tests substitute it.
struct ClientEnvironment {
  // The value of an environment variable; nullopt when unset.
  std::function<std::optional<std::string>(const std::string& name)> getenv;
  // An ApiClient for `endpoint` (--server and how to call it);
  // kInvalidRequest for a bad URL.
  std::function<Expected<std::unique_ptr<ApiClient>>(const ApiEndpoint& endpoint)> connect;
  std::function<Timestamp()> now;
  // Where `validate` checks spec.restartSchedule.timeZone; null: not
  // checked.
  TimeZoneDatabase* time_zones = nullptr;
  // Whether `err` is a terminal (the progress line of `wait`).
  bool err_is_terminal = false;
  std::chrono::milliseconds poll_interval{200};
};

// The process's environment, cpprestsdk clients and the system clock.
ClientEnvironment ProcessClientEnvironment(std::FILE* err);

int RunClientCommand(const std::string& command,
                     const std::vector<std::string>& args, std::FILE* out,
                     std::FILE* err, const ClientEnvironment& environment);

}  // namespace rtm
