// newsalert-testserver: serves a directory of feeds and prints webhook POSTs, for demos.
#include "tests/support/http_server.hpp"

#include <csignal>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>

namespace fs = std::filesystem;
using newsalert::testing::HttpServer;
using newsalert::testing::RecordedRequest;
using newsalert::testing::Response;

namespace {

int usage(const char* argv0) {
  std::cerr << "usage: " << argv0 << " [--port N] [--feeds DIR]\n"
            << "  serves DIR/<file> as a feed at /feeds/<file> (re-read every second; gzip on request)\n"
            << "  and a webhook receiver at /hook that prints each POST body as one line on stdout\n";
  return 2;
}

std::string content_type_for(const fs::path& file) {
  const std::string ext = file.extension().string();
  if (ext == ".atom") return "application/atom+xml";
  if (ext == ".json") return "application/feed+json";
  if (ext == ".rdf") return "application/rdf+xml";
  if (ext == ".xml" || ext == ".rss") return "application/rss+xml";
  return "text/plain";
}

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Serves new files and picks up edits, so a demo can add an item while the daemon polls.
void sync_feeds(HttpServer& server, const fs::path& dir, std::map<std::string, std::string>& served) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = entry.path().filename().string();
    std::string body = read_file(entry.path());
    const auto it = served.find(name);
    if (it == served.end()) {
      server.serve_feed("/feeds/" + name, body, content_type_for(entry.path()), true);
      std::cerr << "feed " << server.url("/feeds/" + name) << '\n';
    } else if (it->second != body) {
      server.update_feed("/feeds/" + name, body);
      std::cerr << "updated " << server.url("/feeds/" + name) << '\n';
    } else {
      continue;
    }
    served[name] = std::move(body);
  }
  if (ec) std::cerr << "cannot list " << dir << ": " << ec.message() << '\n';
}

}  // namespace

int main(int argc, char** argv) {
  unsigned long port = 0;
  fs::path feeds_dir;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--port" && i + 1 < argc) {
      char* end = nullptr;
      port = std::strtoul(argv[++i], &end, 10);
      if (*end != '\0' || port > 65535) return usage(argv[0]);
    } else if (arg == "--feeds" && i + 1 < argc) {
      feeds_dir = argv[++i];
    } else {
      return usage(argv[0]);
    }
  }

  // Blocked before the server thread starts, so only sigtimedwait below sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  try {
    HttpServer server(static_cast<std::uint16_t>(port));
    std::mutex out_mutex;
    server.route("/hook", [&out_mutex](const RecordedRequest& req) {
      if (req.method != "POST") return Response{405, {{"Allow", "POST"}}, "POST only\n"};
      std::string line = req.body;
      for (char& c : line) {
        if (c == '\n' || c == '\r') c = ' ';
      }
      std::lock_guard lock(out_mutex);
      std::cout << line << std::endl;
      return Response{200, {{"Content-Type", "text/plain"}}, "ok"};
    });
    {
      std::lock_guard lock(out_mutex);
      std::cout << "listening on " << server.url("") << std::endl;
    }
    std::cerr << "webhook " << server.url("/hook") << '\n';

    std::map<std::string, std::string> served;
    for (;;) {
      if (!feeds_dir.empty()) sync_feeds(server, feeds_dir, served);
      const timespec one_second{1, 0};
      if (sigtimedwait(&signals, nullptr, &one_second) > 0) break;
    }
  } catch (const std::exception& e) {
    std::cerr << "newsalert-testserver: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
