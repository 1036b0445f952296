// The exception a curl owner throws when libcurl refuses an option, naming the option.
#pragma once

#include <stdexcept>
#include <string>

namespace newsalert::net {

class CurlOptionError : public std::runtime_error {
 public:
  // `code` is the CURLcode (or CURLMcode, CURLSHcode) returned; `message` is curl's text for it.
  CurlOptionError(std::string option, int code, const std::string& message)
      : std::runtime_error("cannot set " + option + ": " + message), option_(std::move(option)), code_(code) {}

  const std::string& option() const noexcept { return option_; }
  int code() const noexcept { return code_; }

 private:
  std::string option_;
  int code_;
};

}  // namespace newsalert::net
