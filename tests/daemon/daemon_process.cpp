// Child-process control for end-to-end tests.
#include "daemon_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace newsalert::testing {

namespace fs = std::filesystem;

TempDir::TempDir() {
  std::random_device random;
  path_ = fs::temp_directory_path() / ("newsalert-test-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
}

fs::path daemon_binary() { return fs::path(NEWSALERT_BINARY_DIR) / "daemon" / "newsalertd"; }

namespace {

int spawn(const std::vector<std::string>& args, const fs::path& out, const fs::path& err, const fs::path& in,
          const std::vector<std::string>& extra_env, std::optional<OpenFileLimit> open_files = std::nullopt) {
  const std::string binary = daemon_binary().string();
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(binary.c_str()));
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  // Opened (and emptied) before the fork: a test that reads the log at once must not find an
  // earlier daemon's lines in the same file before the child got to truncate it.
  const int in_fd = ::open(in.empty() ? "/dev/null" : in.c_str(), O_RDONLY | O_CLOEXEC);
  const int out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const pid_t pid = ::fork();
  if (pid != 0) {
    for (const int fd : {in_fd, out_fd, err_fd})
      if (fd >= 0) ::close(fd);
  }
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::dup2(in_fd, 0);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    ::unsetenv("NOTIFY_SOCKET");
    ::unsetenv("JOURNAL_STREAM");
    for (const auto& env : extra_env) ::putenv(const_cast<char*>(env.c_str()));
    if (open_files) {
      const rlimit limit{open_files->soft, open_files->hard};
      if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) ::_exit(126);
    }
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

}  // namespace

DaemonProcess::DaemonProcess(std::vector<std::string> args, const fs::path& dir, std::vector<std::string> extra_env,
                             std::optional<OpenFileLimit> open_files)
    : out_(dir / "daemon.out"), err_(dir / "daemon.err") {
  pid_ = spawn(args, out_, err_, {}, extra_env, open_files);
}

DaemonProcess::~DaemonProcess() {
  if (pid_ > 0) kill9();
}

bool DaemonProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    status_ = status;
    pid_ = -1;
    return false;
  }
  return true;
}

int DaemonProcess::stop(std::chrono::milliseconds timeout) {
  if (pid_ > 0) ::kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill9();
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return WIFEXITED(status_) ? WEXITSTATUS(status_) : -1;
}

void DaemonProcess::send_signal(int signo) {
  if (pid_ > 0) ::kill(pid_, signo);
}

void DaemonProcess::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status_, 0);
  pid_ = -1;
}

std::string DaemonProcess::out() const { return read_file(out_); }
std::string DaemonProcess::err() const { return read_file(err_); }

bool DaemonProcess::wait_for_log(const std::string& text, std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (err().find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

std::unique_ptr<DaemonProcess> start_cluster_node(const std::string& name, const std::string& config,
                                                  const std::filesystem::path& dir, std::uint16_t admin_port) {
  std::filesystem::create_directories(dir / name);
  return std::make_unique<DaemonProcess>(
      std::vector<std::string>{"run", "--config", config, "--log-level", "info"}, dir / name,
      std::vector<std::string>{"NEWSALERT_NODE=" + name, "STATE_DIR=" + (dir / name / "state").string(),
                               "ADMIN_PORT=" + std::to_string(admin_port)});
}

std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot find a free port");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

bool eventually(const std::function<bool()>& predicate, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (predicate()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return predicate();
}

CommandResult run_command(std::vector<std::string> args, const std::string& input) {
  TempDir dir;
  const fs::path in = dir / "stdin";
  write_file(in, input);
  const int pid = spawn(args, dir / "out", dir / "err", in, {});
  int status = 0;
  ::waitpid(pid, &status, 0);
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = read_file(dir / "out");
  result.err = read_file(dir / "err");
  return result;
}

}  // namespace newsalert::testing
