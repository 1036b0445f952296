// Logging the exception that ended a coroutine (the completion of co_spawn).
#pragma once

#include <exception>
#include <string_view>

namespace newsalert {

// Logs "<what>: <message>" at error level when `error` holds an exception; does nothing otherwise.
void log_exception(std::string_view what, std::exception_ptr error) noexcept;

}  // namespace newsalert
