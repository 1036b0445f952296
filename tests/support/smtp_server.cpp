// Starting and stopping the loopback SMTP server script.
#include "tests/support/smtp_server.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <random>
#include <stdexcept>
#include <thread>

namespace fs = std::filesystem;

namespace newsalert::testing {

namespace {

// Debian's python3 is the one python3-aiosmtpd installs for.
const char* python() { return ::access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3"; }

}  // namespace

SmtpServer::SmtpServer(SmtpServerOptions options) : implicit_tls_(options.implicit_tls) {
  std::random_device random;
  dir_ = fs::temp_directory_path() / ("newsalert-smtp-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
  fs::create_directories(dir_);
  const fs::path port_file = dir_ / "port";
  std::vector<std::string> args = {python(), NEWSALERT_SMTP_SERVER_SCRIPT, "--port-file", port_file.string(),
                                   "--out", (dir_ / "received.jsonl").string()};
  if (!options.cert_file.empty())
    args.insert(args.end(), {"--cert", options.cert_file.string(), "--key", options.key_file.string()});
  if (options.implicit_tls) args.push_back("--implicit-tls");
  if (!options.username.empty()) args.insert(args.end(), {"--user", options.username, "--password", options.password});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string log = (dir_ / "server.log").string();
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("SmtpServer: fork failed");
  if (pid_ == 0) {
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::dup2(out, 1);
    ::dup2(out, 2);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!fs::exists(port_file)) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      std::ifstream in(log);
      throw std::runtime_error("SmtpServer: the script exited (is python3-aiosmtpd installed? scripts/setup installs "
                               "it): " + std::string(std::istreambuf_iterator<char>(in), {}));
    }
    if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("SmtpServer: no port after 30 s");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::ifstream in(port_file);
  int port = 0;
  in >> port;
  port_ = static_cast<std::uint16_t>(port);
}

SmtpServer::~SmtpServer() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::vector<nlohmann::json> SmtpServer::events() const {
  std::vector<nlohmann::json> out;
  std::ifstream in(dir_ / "received.jsonl");
  for (std::string line; std::getline(in, line);) {
    auto event = nlohmann::json::parse(line, nullptr, false);
    if (!event.is_discarded()) out.push_back(std::move(event));   // a line still being written
  }
  return out;
}

std::vector<nlohmann::json> SmtpServer::messages() const {
  std::vector<nlohmann::json> out;
  for (auto& event : events())
    if (event.value("event", "") == "message") out.push_back(std::move(event));
  return out;
}

}  // namespace newsalert::testing
