#pragma once

#include <exception>
#include <string>
#include <string_view>

#include "reconcile/domain/error.h"

namespace rtm {

// Runs `call` (returning Expected<Value>) so that no exception escapes an
// adapter: anything thrown (a JSON library error, bad_alloc) becomes
// kInternal "<action>: <what>".
template <typename Value, typename Call>
Expected<Value> GuardExceptions(std::string_view action, Call&& call) {
  try {
    return call();
  } catch (const std::exception& error) {
    return Fail(ErrorCode::kInternal,
                std::string(action) + ": " + error.what());
  } catch (...) {
    return Fail(ErrorCode::kInternal,
                std::string(action) + ": unknown exception");
  }
}

}  // namespace rtm
