// Thread-local stack of structured log fields.
#include "common/log_fields.hpp"

namespace newsalert {

namespace {
thread_local std::vector<LogFields::Field> fields_in_scope;
}

LogFields::LogFields(std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  for (const auto& [name, value] : fields) {
    fields_in_scope.emplace_back(std::string(name), std::string(value));
    ++added_;
  }
}

LogFields::~LogFields() { fields_in_scope.resize(fields_in_scope.size() - added_); }

const std::vector<LogFields::Field>& LogFields::current() { return fields_in_scope; }

}  // namespace newsalert
