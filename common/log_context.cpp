// Hands a line's fields to the sinks for exactly the duration of one synchronous logger call.
#include "common/log_context.hpp"

namespace newsalert {

namespace {

const std::vector<LogField> kNoFields;
// Set only while LogContext::write runs spdlog (which calls its sinks synchronously on this
// thread); nothing can suspend in between, so the pointer never outlives the call.
thread_local const std::vector<LogField>* fields_of_line = &kNoFields;

class CurrentLine {
 public:
  explicit CurrentLine(const std::vector<LogField>& fields) : previous_(fields_of_line) { fields_of_line = &fields; }
  ~CurrentLine() { fields_of_line = previous_; }
  CurrentLine(const CurrentLine&) = delete;
  CurrentLine& operator=(const CurrentLine&) = delete;

 private:
  const std::vector<LogField>* previous_;
};

}  // namespace

LogContext::LogContext(std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  fields_.reserve(fields.size());
  for (const auto& [name, value] : fields) fields_.push_back({std::string(name), std::string(value)});
}

LogContext LogContext::with(std::string_view name, std::string_view value) const {
  LogContext out = *this;
  out.fields_.push_back({std::string(name), std::string(value)});
  return out;
}

void LogContext::write(spdlog::level::level_enum level, std::string_view message) const {
  const CurrentLine line(fields_);
  spdlog::default_logger_raw()->log(level, message);
}

const std::vector<LogField>& LogContext::current() { return *fields_of_line; }

}  // namespace newsalert
