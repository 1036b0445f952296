// A request to the WebSub callback URL, as the admin listener hands it over, and the answer.
#pragma once

#include <map>
#include <string>

namespace newsalert::poll {

struct CallbackRequest {
  std::string method;                          // "GET", "POST", ...
  std::string target;                          // path and query, as sent
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

struct CallbackAnswer {
  int status = 200;
  std::string body;
  std::string content_type = "text/plain";
};

}  // namespace newsalert::poll
