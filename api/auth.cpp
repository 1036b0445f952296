// Checks the Authorization header against http.tokens.
#include "api/auth.hpp"

#include "common/crypto.hpp"

namespace newsalert::api {

namespace {

Answer unauthorized(const std::string& message) {
  Answer answer = error_answer(401, message);
  answer.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"newsalertd\"");
  return answer;
}

}  // namespace

std::variant<Caller, Answer> authorize(const Request& request, const std::vector<config::ApiToken>& tokens,
                                       bool writes) {
  if (tokens.empty()) {
    if (writes) return error_answer(403, "the /v1 API is read-only until http.tokens names an admin token");
    return Caller{"anonymous", false};
  }
  constexpr std::string_view kScheme = "Bearer ";
  if (!request.authorization.starts_with(kScheme))
    return unauthorized("send Authorization: Bearer TOKEN with a token of http.tokens");
  const std::string_view given = std::string_view(request.authorization).substr(kScheme.size());
  // Digests are compared, all of them, so the time taken tells neither a token's length nor which
  // one came close.
  const std::string given_digest = sha256_hex(given);
  const config::ApiToken* match = nullptr;
  for (const auto& token : tokens)
    if (constant_time_equal(given_digest, sha256_hex(token.token)) && !match) match = &token;
  if (!match) return unauthorized("the token is not one of http.tokens");
  const bool admin = match->scope == config::ApiToken::Scope::admin;
  if (writes && !admin) return error_answer(403, "token '" + match->name + "' may only read (scope: read)");
  return Caller{match->name, admin};
}

}  // namespace newsalert::api
