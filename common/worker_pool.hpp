// A few threads for work that would stall the event loop (parsing a large feed, matching many
// articles, reading a config and writing its files); results come back on the awaiting
// coroutine's executor.
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <cstddef>
#include <exception>
#include <type_traits>
#include <utility>

namespace newsalert {

class WorkerPool {
 public:
  explicit WorkerPool(std::size_t threads) : pool_(threads) {}
  ~WorkerPool() { pool_.join(); }
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Runs fn() on a worker thread and resumes the caller on its own executor with the result (an
  // exception thrown by fn is rethrown there). fn must not touch loop-thread state.
  // Not a coroutine itself (no frame of its own): the returned awaitable is the operation.
  template <typename F>
  boost::asio::awaitable<std::invoke_result_t<F>> run(F fn) {
    using Result = std::invoke_result_t<F>;
    ++jobs_;
    return boost::asio::async_initiate<decltype(boost::asio::use_awaitable), void(std::exception_ptr, Result)>(
        [this](auto handler, F work) {
          auto executor = boost::asio::get_associated_executor(handler);
          boost::asio::post(pool_, [handler = std::move(handler), work = std::move(work), executor]() mutable {
            std::exception_ptr error;
            Result result{};
            try {
              result = work();
            } catch (...) {
              error = std::current_exception();
            }
            boost::asio::post(executor, [handler = std::move(handler), error, result = std::move(result)]() mutable {
              std::move(handler)(error, std::move(result));
            });
          });
        },
        boost::asio::use_awaitable, std::move(fn));
  }

  // Jobs handed to the pool since start (for metrics).
  std::size_t jobs() const { return jobs_; }

 private:
  boost::asio::thread_pool pool_;
  std::atomic<std::size_t> jobs_{0};
};

}  // namespace newsalert
