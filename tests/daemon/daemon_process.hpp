// Runs the real newsalertd binary as a child process for end-to-end tests.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace newsalert::testing {

// A scratch directory removed at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

std::string read_file(const std::filesystem::path& file);
void write_file(const std::filesystem::path& file, const std::string& text);

// The newsalertd built beside the tests.
std::filesystem::path daemon_binary();

// RLIMIT_NOFILE for a child, set between fork and exec.
struct OpenFileLimit {
  std::uint64_t soft = 0;
  std::uint64_t hard = 0;
};

class DaemonProcess {
 public:
  // Starts `newsalertd ARGS...` with stdout and stderr going to files in `dir`; `extra_env` holds
  // NAME=VALUE entries set in the child (NOTIFY_SOCKET and JOURNAL_STREAM are cleared first).
  DaemonProcess(std::vector<std::string> args, const std::filesystem::path& dir,
                std::vector<std::string> extra_env = {}, std::optional<OpenFileLimit> open_files = std::nullopt);
  ~DaemonProcess();   // SIGKILL if still running

  // Sends SIGTERM and waits up to `timeout`; returns the exit status (or -1 on timeout / signal).
  int stop(std::chrono::milliseconds timeout = std::chrono::seconds(15));
  void kill9();
  // Sends a signal (SIGHUP to reload) to the running daemon.
  void send_signal(int signo);
  int pid() const { return pid_; }
  bool running();
  std::string out() const;   // what it printed on stdout so far
  std::string err() const;   // what it logged on stderr so far
  // Waits until stderr contains `text`.
  bool wait_for_log(const std::string& text, std::chrono::milliseconds timeout) const;

 private:
  int pid_ = -1;
  int status_ = -1;
  std::filesystem::path out_, err_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// One node of a test cluster: `newsalertd run` on `config` in dir/NAME, with NEWSALERT_NODE=NAME,
// STATE_DIR=dir/NAME/state and ADMIN_PORT=`admin_port` for the config to expand.
std::unique_ptr<DaemonProcess> start_cluster_node(const std::string& name, const std::string& config,
                                                  const std::filesystem::path& dir, std::uint16_t admin_port);

// A TCP port on 127.0.0.1 that was free a moment ago (for daemons that must listen on a known port).
std::uint16_t free_port();

// Waits until `predicate` holds, checking every 20 ms; returns whether it did within `timeout`.
bool eventually(const std::function<bool()>& predicate, std::chrono::milliseconds timeout);

// Runs newsalertd to completion (for check, parse, match), feeding `input` on stdin.
CommandResult run_command(std::vector<std::string> args, const std::string& input = {});

}  // namespace newsalert::testing
