#include "test/e2e/e2e_support.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cpprest/http_client.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace rtm::e2e {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void ThrowErrno(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

}  // namespace

// ---------------------------------------------------------------- polling

bool WaitFor(const std::function<bool()>& predicate,
             std::chrono::milliseconds timeout,
             std::chrono::milliseconds interval) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (predicate()) return true;
    std::this_thread::sleep_for(interval);
  }
  return predicate();
}

// ------------------------------------------------------------ file system

std::string RandomHex(size_t bytes) {
  static thread_local std::mt19937_64 engine{std::random_device{}() ^
                                             static_cast<uint64_t>(::getpid())};
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < bytes; ++i) {
    const auto byte = static_cast<unsigned>(engine() & 0xff);
    out += kDigits[byte >> 4];
    out += kDigits[byte & 0xf];
  }
  return out;
}

std::string MakeTempDir(const std::string& prefix) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/" +
      prefix + "-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) ThrowErrno("mkdtemp " + pattern);
  return pattern;
}

void RemoveTree(const std::string& path) {
  std::error_code ignored;
  fs::remove_all(path, ignored);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void WriteFileAtomically(const std::string& path, const std::string& content) {
  const fs::path target(path);
  const fs::path temp =
      target.parent_path() / ("." + target.filename().string() + "." +
                              RandomHex(4) + ".tmp");
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << content;
    out.flush();
    if (!out) throw std::runtime_error("write " + temp.string());
  }
  fs::rename(temp, target);
}

void WriteFileInPlace(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.flush();
  if (!out) throw std::runtime_error("write " + path);
}

int FreeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) ThrowErrno("socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    const int saved = errno;
    ::close(fd);
    errno = saved;
    ThrowErrno("bind 127.0.0.1:0");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

// ---------------------------------------------------------------- process

ChildProcess::~ChildProcess() {
  if (pid_ > 0) Kill();
}

void ChildProcess::Start(const std::vector<std::string>& argv,
                         const std::string& log_path) {
  if (pid_ > 0) throw std::logic_error("child already running");
  if (argv.empty()) throw std::invalid_argument("empty argv");
  exit_code_.reset();
  const int log_fd =
      ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) ThrowErrno("open " + log_path);
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd < 0) {
    ::close(log_fd);
    ThrowErrno("open /dev/null");
  }
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const pid_t parent = ::getpid();

  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log_fd);
    ::close(null_fd);
    ThrowErrno("fork");
  }
  if (pid == 0) {
    // Only async-signal-safe calls until exec (the parent has threads).
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    ::close_range(3, ~0U, 0);
    ::execv(args[0], args.data());
    static constexpr char kMessage[] = "e2e: execv failed\n";
    (void)!::write(STDERR_FILENO, kMessage, sizeof(kMessage) - 1);
    ::_exit(127);
  }
  ::close(log_fd);
  ::close(null_fd);
  pid_ = pid;
}

void ChildProcess::Reaped(int wait_status) {
  exit_code_ = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status)
                                      : 128 + WTERMSIG(wait_status);
  pid_ = -1;
}

bool ChildProcess::Poll() {
  if (pid_ <= 0) return true;
  int status = 0;
  const pid_t done = ::waitpid(pid_, &status, WNOHANG);
  if (done == pid_) {
    Reaped(status);
    return true;
  }
  return false;
}

std::optional<int> ChildProcess::Wait(std::chrono::milliseconds timeout) {
  if (WaitFor([this] { return Poll(); }, timeout, 10ms)) return exit_code_;
  return std::nullopt;
}

int ChildProcess::Terminate(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return exit_code_.value_or(-1);
  ::kill(pid_, SIGTERM);
  if (auto code = Wait(grace)) return *code;
  return Kill();
}

int ChildProcess::Kill() {
  if (pid_ <= 0) return exit_code_.value_or(-1);
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  Reaped(status);
  return *exit_code_;
}

std::optional<int> RunToExit(const std::vector<std::string>& argv,
                             const std::string& log_path,
                             std::chrono::milliseconds timeout) {
  ChildProcess child;
  child.Start(argv, log_path);
  if (auto code = child.Wait(timeout)) return code;
  child.Kill();
  return std::nullopt;
}

// ----------------------------------------------------------------- docker

CommandResult Shell(const std::string& command) {
  CommandResult result;
  std::FILE* pipe = ::popen(command.c_str(), "re");
  if (pipe == nullptr) return result;
  char buffer[4096];
  size_t read = 0;
  while ((read = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    result.output.append(buffer, read);
  }
  const int status = ::pclose(pipe);
  result.exit_code = status < 0 ? -1
                     : WIFEXITED(status) ? WEXITSTATUS(status)
                                         : 128 + WTERMSIG(status);
  return result;
}

std::string ShellQuote(const std::string& word) {
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::vector<std::string> ContainersOfGame(const std::string& game) {
  const CommandResult listed =
      Shell("docker ps -a -q --no-trunc --filter " +
            ShellQuote("label=io.rtmanager.game=" + game));
  if (listed.exit_code != 0) {
    throw std::runtime_error("docker ps failed for game " + game);
  }
  std::vector<std::string> ids;
  std::istringstream lines(listed.output);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) ids.push_back(line);
  }
  return ids;
}

std::optional<Json> InspectContainer(const std::string& id_or_name) {
  const CommandResult inspected =
      Shell("docker container inspect " + ShellQuote(id_or_name) + " 2>/dev/null");
  if (inspected.exit_code != 0) return std::nullopt;
  Json parsed = Json::parse(inspected.output, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array() || parsed.empty()) return std::nullopt;
  return parsed[0];
}

bool DockerKill(const std::string& id_or_name) {
  return Shell("docker kill " + ShellQuote(id_or_name) + " >/dev/null").exit_code == 0;
}

void ForceRemoveGameContainers(const std::string& game) {
  Shell("docker ps -a -q --no-trunc --filter " +
        ShellQuote("label=io.rtmanager.game=" + game) +
        " | xargs -r docker rm -f >/dev/null 2>&1");
  Shell("docker rm -f " + ShellQuote("rtm-" + game) + " >/dev/null 2>&1");
}

void RemoveNetworkAndItsContainers(const std::string& network) {
  Shell("docker ps -a -q --no-trunc --filter " +
        ShellQuote("label=io.rtmanager.network=" + network) +
        " | xargs -r docker rm -f >/dev/null 2>&1");
  Shell("docker network rm " + ShellQuote(network) + " >/dev/null 2>&1");
  // The named volumes its games kept (spec.volumeReclaimPolicy Retain).
  Shell("docker volume ls -q --filter " +
        ShellQuote("label=io.rtmanager.network=" + network) +
        " | xargs -r docker volume rm -f >/dev/null 2>&1");
}

bool ImageExists(const std::string& image) {
  return Shell("docker image inspect " + ShellQuote(image) + " >/dev/null 2>&1")
             .exit_code == 0;
}

// ------------------------------------------------------------------- http

std::optional<HttpReply> HttpRequest(
    int port, const std::string& method, const std::string& path,
    const std::vector<std::pair<std::string, std::string>>& headers,
    std::chrono::milliseconds timeout) {
  try {
    web::http::client::http_client_config config;
    config.set_timeout(std::chrono::duration_cast<std::chrono::seconds>(timeout));
    config.set_proxy(web::web_proxy(web::web_proxy::disabled));
    web::http::client::http_client client(
        "http://127.0.0.1:" + std::to_string(port), config);
    web::http::http_request request(method);
    request.set_request_uri(path);
    for (const auto& [name, value] : headers) request.headers().add(name, value);
    web::http::http_response response = client.request(request).get();
    HttpReply reply;
    reply.status = response.status_code();
    reply.body = response.extract_utf8string(/*ignore_content_type=*/true).get();
    reply.json = Json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
    if (reply.json.is_discarded()) reply.json = nullptr;
    return reply;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<HttpReply> HttpGet(int port, const std::string& path,
                                 std::chrono::milliseconds timeout) {
  return HttpRequest(port, "GET", path, {}, timeout);
}

}  // namespace rtm::e2e
