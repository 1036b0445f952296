// Bearer tokens of the /v1 API: who is calling, and whether they may change things.
#pragma once

#include "api/api_types.hpp"
#include "config/config.hpp"

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace newsalert::api {

struct Caller {
  std::string name;   // the token's name, for the audit log; "anonymous" when no tokens are configured
  bool may_write = false;
};

// The caller of `request`, or the 401/403 answer it gets. Without configured tokens everyone may
// read and no one may write. Tokens are compared in constant time, and never appear in an answer.
std::variant<Caller, Answer> authorize(const Request& request, const std::vector<config::ApiToken>& tokens,
                                       bool writes);

}  // namespace newsalert::api
