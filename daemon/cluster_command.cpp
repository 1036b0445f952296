// The cluster's offline tools: moving a single node's state into the shared log.
#include "daemon/cluster_command.hpp"

#include "daemon/cluster_log.hpp"
#include "daemon/commands.hpp"
#include "store/state_store.hpp"

#include <filesystem>

namespace newsalert::daemon {

namespace {

constexpr const char* kUsage = "usage: newsalertd cluster import --config FILE STATE_DIR\n";

int import_state(const config::Config& config, const std::filesystem::path& state_dir, std::ostream& out,
                 std::ostream& err) {
  const auto source = store::StateStore::default_file(state_dir);
  std::error_code ec;
  if (!std::filesystem::exists(source, ec)) {
    err << "newsalertd cluster import: no single-node state at " << source.string() << "\n";
    return kExitFailure;
  }
  if (const auto problem = store::StateStore::problem_opening(source)) {
    err << "newsalertd cluster import: " << *problem << "\n";
    return kExitFailure;
  }
  std::filesystem::create_directories(config.state_dir);
  ClusterLink link(*config.cluster, "newsalertd cluster import");
  store::StateStore replica(cluster_state_file(config.state_dir), store::StateStore::EmptyFile::initialise);
  link.join(replica);
  out << "importing " << source.string() << " into the cluster (log entry " << replica.replication()->sequence()
      << ")\n";
  for (const auto& count : replica.import_state(source))
    out << "  " << count.table << ": " << count.added << " of " << count.read << " row(s) added"
        << (count.read > count.added ? " (the rest were known to the cluster)" : "") << "\n";
  out << "done: the cluster's log is at entry " << replica.replication()->sequence() << "\n";
  return kExitOk;
}

}  // namespace

int run_cluster(const std::string& config_file, const std::vector<std::string>& args, std::ostream& out,
                std::ostream& err) {
  if (args.size() != 2 || args[0] != "import") {
    err << kUsage;
    return kExitUsage;
  }
  const auto config = load_tool_config(config_file, err);
  if (!config) return kExitUsage;
  if (!config->cluster) {
    err << "newsalertd cluster import: " << config_file << " has no cluster section\n";
    return kExitUsage;
  }
  try {
    return import_state(*config, args[1], out, err);
  } catch (const std::exception& e) {
    err << "newsalertd cluster import: " << e.what() << "\n";
    return kExitFailure;
  }
}

}  // namespace newsalert::daemon
