// The answers every route builds on.
#include "api/api_types.hpp"

#include <nlohmann/json.hpp>

namespace newsalert::api {

Answer json_answer(int status, std::string body) {
  Answer answer;
  answer.status = status;
  answer.body = std::move(body);
  return answer;
}

Answer error_answer(int status, const std::string& message) {
  return json_answer(status, nlohmann::json{{"error", message}}.dump() + "\n");
}

Answer refused_reload() {
  return error_answer(500, "the file was written but the daemon refused to load it; its log says why");
}

}  // namespace newsalert::api
