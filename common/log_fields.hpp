// Structured fields attached to the log lines written while a LogFields is alive (FEED_URL=, ...).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace newsalert {

// journald receives the fields as they are named (FEED_URL=...); the JSON format lower-cases them.
// Scope it around synchronous log calls only: a coroutine suspended inside the scope would lend its
// fields to whatever runs next on the thread.
class LogFields {
 public:
  using Field = std::pair<std::string, std::string>;

  LogFields(std::initializer_list<std::pair<std::string_view, std::string_view>> fields);
  ~LogFields();
  LogFields(const LogFields&) = delete;
  LogFields& operator=(const LogFields&) = delete;

  // The fields of every live scope on this thread, outermost first.
  static const std::vector<Field>& current();

 private:
  std::size_t added_ = 0;
};

}  // namespace newsalert
