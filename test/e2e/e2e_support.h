// Helpers of the end-to-end tests: a child process with its output in a log
// file, the Docker CLI, a small HTTP GET client for the REST API, temp
// directories, bounded polling. No rtmanager code is linked: the tests see
// the product only from the outside.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rtm::e2e {

using Json = nlohmann::json;
using namespace std::chrono_literals;

// ---------------------------------------------------------------- polling

// Polls `predicate` every `interval` until it holds or `timeout` passed.
// Returns whether it held (evaluated once more at the deadline).
bool WaitFor(const std::function<bool()>& predicate,
             std::chrono::milliseconds timeout = 30s,
             std::chrono::milliseconds interval = 50ms);

// ------------------------------------------------------------ file system

std::string RandomHex(size_t bytes);
// A fresh directory under $TMPDIR (or /tmp) named prefix-XXXXXX.
std::string MakeTempDir(const std::string& prefix);
void RemoveTree(const std::string& path);
std::string ReadFile(const std::string& path);
// Writes `content` to a hidden temp file in the same directory, then
// rename(2)s it over `path`: the watcher sees the whole file or nothing.
void WriteFileAtomically(const std::string& path, const std::string& content);
// Truncates and writes in place (what a plain editor save does).
void WriteFileInPlace(const std::string& path, const std::string& content);

// A loopback TCP port that was free a moment ago (bind port 0, close).
int FreeLoopbackPort();

// ---------------------------------------------------------------- process

// A child process (fork/exec, no shell) whose stdout and stderr are appended
// to `log_path`. The child gets SIGKILL if the test process dies.
class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess();  // SIGKILL + reap if still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Starts `argv[0]` with `argv`. Throws std::runtime_error on failure.
  void Start(const std::vector<std::string>& argv, const std::string& log_path);
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  // Whether the child exited by now (reaps it). Sets exit_code().
  bool Poll();
  // Waits for exit up to `timeout`; returns the exit status (128+signal when
  // killed by one) or nullopt on timeout (the child keeps running).
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  // SIGTERM, then SIGKILL after `grace`; returns the exit status.
  int Terminate(std::chrono::milliseconds grace);
  // SIGKILL now and reap; returns the exit status.
  int Kill();
  std::optional<int> exit_code() const { return exit_code_; }

 private:
  void Reaped(int wait_status);

  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

// Runs `argv` to completion (bounded), output to `log_path`; the exit code,
// or nullopt on timeout (the child is killed).
std::optional<int> RunToExit(const std::vector<std::string>& argv,
                             const std::string& log_path,
                             std::chrono::milliseconds timeout);

// ----------------------------------------------------------------- docker

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout only
};
// Runs a shell command line via popen; stderr goes to the test's stderr
// unless the command redirects it.
CommandResult Shell(const std::string& command);
std::string ShellQuote(const std::string& word);

// Full ids of every container (any state) labelled io.rtmanager.game=<game>.
std::vector<std::string> ContainersOfGame(const std::string& game);
// `docker inspect` of a container, or nullopt when it does not exist.
std::optional<Json> InspectContainer(const std::string& id_or_name);
bool DockerKill(const std::string& id_or_name);
// Best effort: force-removes every container of `game` and rtm-<game>.
void ForceRemoveGameContainers(const std::string& game);
// Best effort: force-removes every container labelled
// io.rtmanager.network=<network> (what a controller on it created), then
// the network and the named volumes with that label.
void RemoveNetworkAndItsContainers(const std::string& network);
bool ImageExists(const std::string& image);

// ------------------------------------------------------------------- http

struct HttpReply {
  int status = 0;
  std::string body;
  Json json;  // null when the body is not JSON
};
// `method` http://127.0.0.1:<port><path> with extra headers and no body;
// nullopt when the server cannot be reached (refused, reset, timeout).
std::optional<HttpReply> HttpRequest(
    int port, const std::string& method, const std::string& path,
    const std::vector<std::pair<std::string, std::string>>& headers = {},
    std::chrono::milliseconds timeout = 5s);
std::optional<HttpReply> HttpGet(int port, const std::string& path,
                                 std::chrono::milliseconds timeout = 5s);

}  // namespace rtm::e2e
