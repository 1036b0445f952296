// Snapshot chunks on subjects of their own, and a manifest that names the newest complete one.
#include "cluster/snapshot_store.hpp"

#include "cluster/connection.hpp"
#include "cluster/jetstream.hpp"
#include "cluster/nats_error.hpp"
#include "common/crypto.hpp"

#include <nats/nats.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>

namespace newsalert::cluster {

namespace {

constexpr const char* kManifestSubject = "newsalert.snapshot.manifest";
constexpr std::size_t kHeaderRoom = 4096;
constexpr int kChunkWaitMs = 5000;

std::string data_subject(std::uint64_t sequence) { return "newsalert.snapshot.data." + std::to_string(sequence); }

void purge(jsCtx* js, const std::string& subject, std::uint64_t keep) {
  jsOptions options;
  check(jsOptions_Init(&options), "cannot set purge options");
  options.Stream.Purge.Subject = subject.c_str();
  options.Stream.Purge.Keep = keep;
  jsErrCode js_code = static_cast<jsErrCode>(0);
  check(js_PurgeStream(js, SnapshotStore::kStream, &options, &js_code), "cannot drop old snapshots", js_code);
}

std::string read_all(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

SnapshotStore::SnapshotStore(Connection& connection, JetStream& js, int replicas) : js_(js) {
  StreamConfig config;
  config.name = kStream;
  config.subjects = {"newsalert.snapshot.>"};
  config.replicas = replicas;
  js_.ensure_stream(config);
  const auto payload = natsConnection_GetMaxPayload(connection.handle());
  chunk_ = payload > static_cast<int64_t>(2 * kHeaderRoom) ? static_cast<std::size_t>(payload) - kHeaderRoom : kHeaderRoom;
}

SnapshotManifest SnapshotStore::put(std::uint64_t sequence, const std::filesystem::path& file) {
  const auto before = latest();
  const std::string bytes = read_all(file);
  SnapshotManifest manifest{sequence, 0, bytes.size(), sha256_hex(bytes)};
  purge(js_.handle(), data_subject(sequence), 0);   // a half-written try at the same entry
  for (std::size_t at = 0; at < bytes.size() || manifest.chunks == 0; at += chunk_) {
    const std::string id = "snap-" + std::to_string(sequence) + "-" + std::to_string(manifest.chunks);
    js_.publish(data_subject(sequence), std::string_view(bytes).substr(at, chunk_), id);
    ++manifest.chunks;
  }
  js_.publish(kManifestSubject, std::to_string(manifest.sequence) + " " + std::to_string(manifest.chunks) + " " +
                                    std::to_string(manifest.bytes) + " " + manifest.sha256);
  purge(js_.handle(), kManifestSubject, 1);
  if (before && before->sequence != sequence) purge(js_.handle(), data_subject(before->sequence), 0);
  return manifest;
}

std::optional<SnapshotManifest> SnapshotStore::latest() {
  natsMsg* raw = nullptr;
  jsErrCode js_code = static_cast<jsErrCode>(0);
  const natsStatus status = js_GetLastMsg(&raw, js_.handle(), kStream, kManifestSubject, nullptr, &js_code);
  if (status == NATS_NOT_FOUND || js_code == JSNoMessageFoundErr) return std::nullopt;
  check(status, "cannot read the snapshot manifest", js_code);
  const NatsHandle<natsMsg> message(raw);
  std::istringstream in(std::string(natsMsg_GetData(raw), static_cast<std::size_t>(natsMsg_GetDataLength(raw))));
  SnapshotManifest manifest;
  if (!(in >> manifest.sequence >> manifest.chunks >> manifest.bytes >> manifest.sha256))
    throw std::runtime_error("the snapshot manifest is unreadable");
  return manifest;
}

void SnapshotStore::get(const SnapshotManifest& manifest, const std::filesystem::path& out) {
  jsSubOptions options;
  check(jsSubOptions_Init(&options), "cannot set subscribe options");
  options.Stream = kStream;
  options.Ordered = true;
  natsSubscription* raw = nullptr;
  jsErrCode js_code = static_cast<jsErrCode>(0);
  const std::string subject = data_subject(manifest.sequence);
  check(js_SubscribeSync(&raw, js_.handle(), subject.c_str(), nullptr, &options, &js_code),
        "cannot read snapshot " + std::to_string(manifest.sequence), js_code);
  const NatsHandle<natsSubscription> reader(raw);
  std::string bytes;
  bytes.reserve(manifest.bytes);
  for (std::size_t i = 0; i < manifest.chunks; ++i) {
    natsMsg* chunk = nullptr;
    check(natsSubscription_NextMsg(&chunk, raw, kChunkWaitMs),
          "snapshot " + std::to_string(manifest.sequence) + ": chunk " + std::to_string(i) + " missing");
    const NatsHandle<natsMsg> owned(chunk);
    bytes.append(natsMsg_GetData(chunk), static_cast<std::size_t>(natsMsg_GetDataLength(chunk)));
  }
  if (bytes.size() != manifest.bytes || sha256_hex(bytes) != manifest.sha256)
    throw std::runtime_error("snapshot " + std::to_string(manifest.sequence) + " does not match its checksum");
  std::ofstream file(out, std::ios::binary | std::ios::trunc);
  file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!file.flush()) throw std::runtime_error("cannot write " + out.string());
}

}  // namespace newsalert::cluster
