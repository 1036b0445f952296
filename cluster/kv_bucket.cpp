// KV reads and writes. The conditional writes publish to the key's subject themselves, because
// libnats's kvStore_Create/Update do not say which JetStream error refused them, and a key held
// by another node must be told apart from a lost connection.
#include "cluster/kv_bucket.hpp"

#include "cluster/nats_error.hpp"

#include <nats/nats.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace newsalert::cluster {

namespace {

void check_key(const std::string& key) {
  if (!KvBucket::valid_key(key)) {
    throw std::invalid_argument("NATS: invalid KV key \"" + key +
                                "\" (allowed: letters, digits, - _ / = and inner dots)");
  }
}

struct PubAckDeleter {
  void operator()(jsPubAck* ack) const noexcept { jsPubAck_Destroy(ack); }
};

struct StreamInfoDeleter {
  void operator()(jsStreamInfo* info) const noexcept { jsStreamInfo_Destroy(info); }
};

bool is_delete_marker(natsMsg* message) {
  const char* operation = nullptr;
  if (natsMsgHeader_Get(message, "KV-Operation", &operation) != NATS_OK || operation == nullptr) return false;
  return std::strcmp(operation, "DEL") == 0 || std::strcmp(operation, "PURGE") == 0;
}

// libnats gives a stored message's time stamp in nanoseconds since the epoch (UTC).
std::chrono::system_clock::time_point stamped(std::int64_t nanoseconds) {
  using std::chrono::system_clock;
  const std::chrono::nanoseconds since_epoch(nanoseconds);
  return system_clock::time_point(std::chrono::duration_cast<system_clock::duration>(since_epoch));
}

}  // namespace

// A key is the last part of a subject, so no wildcards, and no empty part between dots.
bool KvBucket::valid_key(std::string_view key) noexcept {
  const bool valid_chars = !key.empty() && key.find_first_not_of(
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_/=.") == std::string_view::npos;
  return valid_chars && key.front() != '.' && key.back() != '.' && key.find("..") == std::string_view::npos;
}

KvBucket::KvBucket(NatsHandle<kvStore> store, jsCtx* js)
    : store_(std::move(store)), js_(js), name_(kvStore_Bucket(store_.get())) {}

std::optional<KvEntry> KvBucket::get(const std::string& key) {
  check_key(key);
  kvEntry* raw = nullptr;
  const natsStatus status = kvStore_Get(&raw, store_.get(), key.c_str());
  if (status == NATS_NOT_FOUND) return std::nullopt;
  check(status, "cannot read key " + key + " of bucket " + name_);
  const NatsHandle<kvEntry> entry(raw);
  const auto* data = static_cast<const char*>(kvEntry_Value(raw));
  return KvEntry{std::string(data, static_cast<std::size_t>(kvEntry_ValueLen(raw))), kvEntry_Revision(raw),
                 stamped(kvEntry_Created(raw))};
}

std::uint64_t KvBucket::put(const std::string& key, std::string_view value) {
  check_key(key);
  std::uint64_t revision = 0;
  check(kvStore_Put(&revision, store_.get(), key.c_str(), value.data(), static_cast<int>(value.size())),
        "cannot write key " + key + " of bucket " + name_);
  return revision;
}

KvWriteResult KvBucket::create(const std::string& key, std::string_view value) {
  check_key(key);
  const KvWriteResult result = conditional_put(key, value, 0, KvWrite::KeyExists);
  if (result.written()) return result;
  // A deleted key's last message is its delete marker: write over the marker, still conditionally.
  if (const auto marker = deleted_revision(key)) return conditional_put(key, value, *marker, KvWrite::KeyExists);
  return result;
}

KvWriteResult KvBucket::update(const std::string& key, std::string_view value, std::uint64_t revision) {
  check_key(key);
  if (revision == 0) throw std::invalid_argument("NATS: KV update of key " + key + " needs a revision");
  return conditional_put(key, value, revision, KvWrite::StaleRevision);
}

void KvBucket::erase(const std::string& key) {
  check_key(key);
  check(kvStore_Delete(store_.get(), key.c_str()), "cannot delete key " + key + " of bucket " + name_);
}

// libnats 3.4.1 answers an empty bucket with NATS_OK and no keys; without a timeout it would wait
// for the listing forever.
std::vector<std::string> KvBucket::keys() {
  std::vector<std::string> keys;
  for (auto& [key, entry] : entries_from_leader()) keys.push_back(key);
  return keys;   // a std::map's keys: sorted
}

KvWatcher KvBucket::watch_all() {
  kvWatchOptions options;
  check(kvWatchOptions_Init(&options), "cannot set watch options");
  kvWatcher* raw = nullptr;
  check(kvStore_WatchAll(&raw, store_.get(), &options), "cannot watch bucket " + name_);
  return KvWatcher(NatsHandle<kvWatcher>(raw));
}

KvWriteResult KvBucket::conditional_put(const std::string& key, std::string_view value, std::uint64_t last,
                                        KvWrite lost) {
  jsPubOptions options;
  check(jsPubOptions_Init(&options), "cannot set publish options");
  if (last == 0) {
    options.ExpectNoMessage = true;
  } else {
    options.ExpectLastSubjectSeq = last;
  }
  const std::string subject = "$KV." + name_ + "." + key;
  jsPubAck* raw = nullptr;
  jsErrCode js_code = static_cast<jsErrCode>(0);
  const natsStatus status =
      js_Publish(&raw, js_, subject.c_str(), value.data(), static_cast<int>(value.size()), &options, &js_code);
  const std::unique_ptr<jsPubAck, PubAckDeleter> ack(raw);
  if (status != NATS_OK && js_code == JSStreamWrongLastSequenceErr) return {lost, 0};
  check(status, "cannot write key " + key + " of bucket " + name_, js_code);
  return {KvWrite::Written, ack->Sequence};
}

std::optional<std::uint64_t> KvBucket::deleted_revision(const std::string& key) {
  const auto message = last_message(key);
  if (!message || !is_delete_marker(message.get())) return std::nullopt;
  return natsMsg_GetSequence(message.get());
}

std::optional<KvEntry> KvBucket::get_from_leader(const std::string& key) {
  check_key(key);
  const auto message = last_message(key);
  if (!message || is_delete_marker(message.get())) return std::nullopt;
  natsMsg* raw = message.get();
  return KvEntry{std::string(natsMsg_GetData(raw), static_cast<std::size_t>(natsMsg_GetDataLength(raw))),
                 natsMsg_GetSequence(raw), stamped(natsMsg_GetTime(raw))};
}

std::map<std::string, KvEntry> KvBucket::entries_from_leader() {
  const std::string prefix = "$KV." + name_ + ".";
  const std::string filter = prefix + ">";
  jsOptions options;
  check(jsOptions_Init(&options), "cannot set JetStream options");
  options.Stream.Info.SubjectsFilter = filter.c_str();
  jsStreamInfo* raw = nullptr;
  jsErrCode js_code = static_cast<jsErrCode>(0);
  const natsStatus status = js_GetStreamInfo(&raw, js_, ("KV_" + name_).c_str(), &options, &js_code);
  const std::unique_ptr<jsStreamInfo, StreamInfoDeleter> info(raw);
  check(status, "cannot list the keys of bucket " + name_, js_code);
  std::map<std::string, KvEntry> entries;
  const jsStreamStateSubjects* subjects = info->State.Subjects;
  for (int i = 0; subjects != nullptr && i < subjects->Count; ++i) {
    const std::string key = std::string(subjects->List[i].Subject).substr(prefix.size());
    // A subject whose last message is a delete marker is listed too.
    if (auto entry = get_from_leader(key)) entries.emplace(key, std::move(*entry));
  }
  return entries;
}

// The key's last message, asked of the stream's leader (not a direct get); null when it has none.
NatsHandle<natsMsg> KvBucket::last_message(const std::string& key) {
  const std::string stream = "KV_" + name_;
  const std::string subject = "$KV." + name_ + "." + key;
  natsMsg* raw = nullptr;
  jsErrCode js_code = static_cast<jsErrCode>(0);
  const natsStatus status = js_GetLastMsg(&raw, js_, stream.c_str(), subject.c_str(), nullptr, &js_code);
  if (status == NATS_NOT_FOUND) return nullptr;
  check(status, "cannot read key " + key + " of bucket " + name_, js_code);
  return NatsHandle<natsMsg>(raw);
}

}  // namespace newsalert::cluster
