// A /v1 request and its answer as the API sees them: no HTTP library's types.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace newsalert::api {

struct Request {
  std::string method;          // "GET", "PUT", ...
  std::string path;            // without the query
  std::string query;           // after '?', undecoded
  std::string authorization;   // the Authorization header, or empty
  std::string content_type;    // the Content-Type header, or empty
  std::string accept;          // the Accept header, or empty
  std::string body;
};

struct Answer {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  // The route changed the config files: the daemon loads them before this answer goes out, and
  // answers 500 instead when it refuses them.
  bool reload = false;
};

// Work a route hands back instead of its answer: it owns all it reads and touches no daemon state,
// so the caller may run it on a worker thread; what it returns is the answer.
using Job = std::function<Answer()>;
using Routed = std::variant<Answer, Job>;

// `body` as application/json with `status`.
Answer json_answer(int status, std::string body);
// {"error": message} with `status`.
Answer error_answer(int status, const std::string& message);
// The 500 for a change whose files were written and then refused by the daemon's reload.
Answer refused_reload();

}  // namespace newsalert::api
