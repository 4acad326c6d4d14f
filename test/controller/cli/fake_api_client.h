// A scripted ApiClient: answers come from per-method handlers; every call
// is recorded.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "controller/cli/api_client.h"

namespace rtm::testing_support {

class FakeApiClient : public ApiClient {
 public:
  struct Call {
    std::string method;  // GET, POST, STREAM
    std::string target;
    HttpHeaders headers;
  };
  // The lines a stream delivers, or a non-200 answer.
  struct StreamScript {
    HttpReply reply{200, ""};
    std::vector<std::string> lines;
  };

  std::function<Expected<HttpReply>(const std::string& target)> on_get;
  std::function<Expected<HttpReply>(const std::string& target)> on_post;
  std::function<Expected<StreamScript>(const std::string& target)> on_stream;
  std::vector<Call> calls;

  std::string BaseUrl() const override { return "http://fake:8088"; }

  Expected<HttpReply> Get(const std::string& target) override {
    calls.push_back({"GET", target, {}});
    return on_get ? on_get(target) : HttpReply{404, NotFoundBody()};
  }

  Expected<HttpReply> Post(const std::string& target,
                           const HttpHeaders& headers) override {
    calls.push_back({"POST", target, headers});
    return on_post ? on_post(target) : HttpReply{404, NotFoundBody()};
  }

  Expected<HttpReply> Stream(
      const std::string& target, Deadline deadline,
      const std::function<bool(std::string_view)>& on_line) override {
    calls.push_back({"STREAM", target, {}});
    if (!on_stream) return HttpReply{404, NotFoundBody()};
    Expected<StreamScript> script = on_stream(target);
    if (!script) return std::unexpected(script.error());
    if (script->reply.status != 200) return script->reply;
    for (const std::string& line : script->lines) {
      if (std::chrono::steady_clock::now() >= deadline || !on_line(line)) break;
    }
    return HttpReply{200, ""};
  }

  size_t CountCalls(const std::string& method) const {
    size_t count = 0;
    for (const Call& call : calls) count += call.method == method ? 1 : 0;
    return count;
  }

  static std::string NotFoundBody() {
    return R"({"error":{"code":"not_found","message":"no route"}})";
  }
};

}  // namespace rtm::testing_support
