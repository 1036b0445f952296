// Real nats-server processes with JetStream on loopback ports for cluster tests: three routed
// servers by default (or one on its own), each with its own config file and store directory.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace newsalert::testing {

class NatsCluster {
 public:
  // Starts `size` servers and waits until JetStream is ready on all of them (throws otherwise).
  // `extra_config` is added to every server's config file (authorization, tls blocks).
  explicit NatsCluster(int size = 3, std::string extra_config = {});
  // Kills every server and removes the store directories.
  ~NatsCluster();
  NatsCluster(const NatsCluster&) = delete;
  NatsCluster& operator=(const NatsCluster&) = delete;

  int size() const { return static_cast<int>(servers_.size()); }
  std::vector<std::string> urls() const;      // nats://127.0.0.1:PORT of every server
  std::string url(int index) const;
  std::string server_name(int index) const;   // n0, n1, ... (the name a stream's leader is given by)
  int index_of(const std::string& server_name) const;   // -1 when unknown

  // SIGKILL, as a crash would: no shutdown, nothing flushed beyond what the server already did.
  void kill9(int index);
  // Starts a killed server again with the same ports, config and store.
  void start(int index);
  bool running(int index) const { return servers_.at(static_cast<std::size_t>(index)).pid > 0; }

  // Whether every running server answers /healthz and, in a cluster, knows a JetStream meta
  // leader with every peer current.
  bool ready() const;
  bool wait_ready(std::chrono::milliseconds timeout = std::chrono::seconds(30)) const;
  // What the server wrote to its log so far.
  std::string log(int index) const;

 private:
  struct Server {
    std::string name;
    std::uint16_t client_port = 0;
    std::uint16_t cluster_port = 0;
    std::uint16_t monitor_port = 0;
    std::filesystem::path config;
    std::filesystem::path log;
    int pid = -1;
  };
  void write_config(const Server& server) const;
  bool server_ready(const Server& server) const;

  std::filesystem::path dir_;
  std::string extra_config_;
  std::vector<Server> servers_;
};

}  // namespace newsalert::testing
