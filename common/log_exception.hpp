// Logging the exception that ended a coroutine (the completion of co_spawn).
#pragma once

#include <exception>
#include <string>
#include <string_view>

namespace newsalert {

// Logs "<what>: <message>" at error level when `error` holds an exception; does nothing otherwise.
void log_exception(std::string_view what, std::exception_ptr error) noexcept;

// The message of the exception `error` holds ("unknown exception" for one not from std::exception).
std::string describe_exception(std::exception_ptr error);

}  // namespace newsalert
