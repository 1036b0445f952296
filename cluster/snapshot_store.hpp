// Snapshots of the shared log's state, kept on a stream of their own, so the log can drop the
// entries a snapshot holds and a node far behind (or new) starts from the snapshot instead.
// Calls block (see connection.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace newsalert::cluster {

class Connection;
class JetStream;

struct SnapshotManifest {
  std::uint64_t sequence = 0;   // the last log entry the snapshot holds
  std::size_t chunks = 0;
  std::size_t bytes = 0;
  std::string sha256;           // of the whole file, lower-case hex
};

class SnapshotStore {
 public:
  static constexpr const char* kStream = "NEWSALERT_SNAPSHOTS";

  // Creates the stream when it does not exist.
  SnapshotStore(Connection& connection, JetStream& js, int replicas);

  // Stores `file` as the snapshot at log entry `sequence`, in chunks the servers accept, then its
  // manifest; the snapshot before it is dropped once the new one is complete.
  SnapshotManifest put(std::uint64_t sequence, const std::filesystem::path& file);
  // The newest complete snapshot, if any.
  std::optional<SnapshotManifest> latest();
  // Writes the snapshot's bytes to `out`. Throws when a chunk is missing or the checksum differs.
  void get(const SnapshotManifest& manifest, const std::filesystem::path& out);

 private:
  JetStream& js_;
  std::size_t chunk_ = 0;
};

}  // namespace newsalert::cluster
