// Starting, killing and restarting nats-server children, and asking their monitoring port
// whether JetStream is ready.
#include "tests/support/nats_cluster.hpp"

#include "tests/support/http_client.hpp"

#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <utility>

namespace newsalert::testing {

namespace fs = std::filesystem;

namespace {

// `count` distinct loopback ports that were free a moment ago: the sockets stay bound until all
// are chosen, so no port is handed out twice.
std::vector<std::uint16_t> free_ports(std::size_t count) {
  std::vector<int> sockets;
  std::vector<std::uint16_t> ports;
  for (std::size_t i = 0; i < count; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd >= 0) sockets.push_back(fd);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      break;
    }
    ports.push_back(ntohs(address.sin_port));
  }
  for (const int fd : sockets) ::close(fd);
  if (ports.size() != count) throw std::runtime_error("NatsCluster: cannot find free loopback ports");
  return ports;
}

fs::path server_binary() {
  for (const char* candidate : {"/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"}) {
    if (::access(candidate, X_OK) == 0) return candidate;
  }
  throw std::runtime_error(
      "NatsCluster: nats-server not found (Debian package nats-server; scripts/setup installs it)");
}

int spawn_server(const fs::path& binary, const fs::path& config, const fs::path& log) {
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("NatsCluster: fork failed");
  if (pid == 0) {
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    const int in = ::open("/dev/null", O_RDONLY);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(out, 2);
    ::execl(binary.c_str(), "nats-server", "-c", config.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

std::optional<nlohmann::json> monitor(std::uint16_t port, const std::string& target) {
  HttpClient client("127.0.0.1", port, std::chrono::seconds(2));
  const auto response = client.get(target);
  if (response.status != 200) return std::nullopt;
  auto json = nlohmann::json::parse(response.body, nullptr, false);
  if (json.is_discarded()) return std::nullopt;
  return json;
}

}  // namespace

NatsCluster::NatsCluster(int size, std::string extra_config) : extra_config_(std::move(extra_config)) {
  if (size < 1) throw std::invalid_argument("NatsCluster: size must be at least 1");
  std::random_device random;
  dir_ = fs::temp_directory_path() / ("newsalert-nats-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
  fs::create_directories(dir_);
  const auto ports = free_ports(static_cast<std::size_t>(size) * 3);
  for (int i = 0; i < size; ++i) {
    Server server;
    server.name = "n" + std::to_string(i);
    server.client_port = ports[static_cast<std::size_t>(i) * 3];
    server.cluster_port = ports[static_cast<std::size_t>(i) * 3 + 1];
    server.monitor_port = ports[static_cast<std::size_t>(i) * 3 + 2];
    server.config = dir_ / (server.name + ".conf");
    server.log = dir_ / (server.name + ".log");
    servers_.push_back(server);
  }
  for (const auto& server : servers_) write_config(server);
  for (int i = 0; i < size; ++i) start(i);
  if (!wait_ready(std::chrono::seconds(60))) {
    throw std::runtime_error("NatsCluster: JetStream not ready after 60 s; server n0 logged:\n" + log(0));
  }
}

NatsCluster::~NatsCluster() {
  for (int i = 0; i < size(); ++i) kill9(i);
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

void NatsCluster::write_config(const Server& server) const {
  std::ofstream out(server.config);
  out << "server_name: " << server.name << "\n"
      << "listen: 127.0.0.1:" << server.client_port << "\n"
      << "http: 127.0.0.1:" << server.monitor_port << "\n"
      << "jetstream {\n  store_dir: \"" << (dir_ / server.name).string() << "\"\n"
      << "  max_memory_store: 64MB\n  max_file_store: 1GB\n}\n"
      << extra_config_ << "\n";
  if (servers_.size() == 1) return;
  out << "cluster {\n  name: newsalert-test\n  listen: 127.0.0.1:" << server.cluster_port << "\n  routes: [\n";
  for (const auto& other : servers_) {
    if (other.name != server.name) out << "    nats-route://127.0.0.1:" << other.cluster_port << "\n";
  }
  out << "  ]\n}\n";
}

std::vector<std::string> NatsCluster::urls() const {
  std::vector<std::string> out;
  for (int i = 0; i < size(); ++i) out.push_back(url(i));
  return out;
}

std::string NatsCluster::url(int index) const {
  return "nats://127.0.0.1:" + std::to_string(servers_.at(static_cast<std::size_t>(index)).client_port);
}

std::string NatsCluster::server_name(int index) const { return servers_.at(static_cast<std::size_t>(index)).name; }

int NatsCluster::index_of(const std::string& server_name) const {
  for (int i = 0; i < size(); ++i) {
    if (servers_[static_cast<std::size_t>(i)].name == server_name) return i;
  }
  return -1;
}

void NatsCluster::kill9(int index) {
  auto& server = servers_.at(static_cast<std::size_t>(index));
  if (server.pid <= 0) return;
  ::kill(server.pid, SIGKILL);
  ::waitpid(server.pid, nullptr, 0);
  server.pid = -1;
}

void NatsCluster::start(int index) {
  auto& server = servers_.at(static_cast<std::size_t>(index));
  if (server.pid > 0) return;
  server.pid = spawn_server(server_binary(), server.config, server.log);
}

bool NatsCluster::server_ready(const Server& server) const {
  if (!monitor(server.monitor_port, "/healthz")) return false;
  if (servers_.size() == 1) return true;
  const auto jsz = monitor(server.monitor_port, "/jsz");
  if (!jsz) return false;
  const auto& meta = (*jsz)["meta_cluster"];
  if (!meta.is_object() || meta.value("leader", "").empty()) return false;
  // The leader lists its peers: every peer that runs must have caught up, or a replicated
  // stream created now may find too few of them.
  if (meta.value("leader", "") != server.name) return true;
  const auto replicas = meta.value("replicas", nlohmann::json::array());
  for (const auto& replica : replicas) {
    const int peer = index_of(replica.value("name", ""));
    if (peer >= 0 && running(peer) && !replica.value("current", false)) return false;
  }
  const auto running_peers = std::count_if(servers_.begin(), servers_.end(), [](const Server& s) { return s.pid > 0; });
  return static_cast<long>(replicas.size()) + 1 >= running_peers;
}

bool NatsCluster::ready() const {
  return std::all_of(servers_.begin(), servers_.end(),
                     [this](const Server& server) { return server.pid <= 0 || server_ready(server); });
}

bool NatsCluster::wait_ready(std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!ready()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return true;
}

std::string NatsCluster::log(int index) const {
  std::ifstream in(servers_.at(static_cast<std::size_t>(index)).log);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace newsalert::testing
