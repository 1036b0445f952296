// Heartbeats in the members bucket, the cluster's config record, and the view of who gets work.
#include "cluster/membership.hpp"

#include "cluster/jetstream.hpp"
#include "cluster/nats_error.hpp"
#include "common/time.hpp"
#include "common/version.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <algorithm>
#include <random>
#include <stdexcept>

namespace newsalert::cluster {

namespace {

using Json = nlohmann::json;

// Two processes that adopt at once take turns; more lost races than this means something rewrites
// the record in a loop.
constexpr int kAdoptAttempts = 10;

MembershipOptions validated(MembershipOptions options) {
  if (!KvBucket::valid_key(options.node)) {
    throw std::invalid_argument("cluster node name \"" + options.node +
                                "\" is not usable: allowed are letters, digits, - _ / = and inner dots");
  }
  if (options.config_fingerprint.empty()) {
    throw std::invalid_argument("cluster node " + options.node + ": no config fingerprint");
  }
  if (options.heartbeat.count() <= 0 || options.member_timeout < 2 * options.heartbeat) {
    throw std::invalid_argument(fmt::format(
        "cluster member_timeout ({}) must be at least twice the heartbeat ({}), or a live node's entry "
        "expires between two of its beats",
        format_duration(options.member_timeout), format_duration(options.heartbeat)));
  }
  return options;
}

KvConfig bucket(const char* name, int replicas, std::chrono::nanoseconds ttl) {
  KvConfig config;
  config.bucket = name;
  config.replicas = replicas;
  config.ttl = ttl;
  return config;
}

// libnats refuses to bind to a bucket created with another configuration with this text only.
KvBucket open_bucket(JetStream& js, const KvConfig& config, const MembershipOptions& options) {
  try {
    return js.key_value(config);
  } catch (const NatsError& error) {
    if (std::string_view(error.what()).find("Existing configuration is different") == std::string_view::npos) throw;
    throw NatsError(fmt::format("{}; every node of the cluster needs the same member_timeout and replicas (this one "
                                "has {} and {})",
                                error.what(), format_duration(options.member_timeout), options.replicas),
                    error.status(), error.js_code());
  }
}

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

std::string random_instance() {
  std::random_device device;
  const std::uint64_t high = device();
  return fmt::format("{:016x}", (high << 32) | device());
}

std::string text(const Json& json, const char* field) {
  const auto it = json.find(field);
  return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t integer(const Json& json, const char* field) {
  const auto it = json.find(field);
  return it != json.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

Member member_of(const std::string& node, const KvEntry& entry, TimePoint now) {
  Member member;
  member.node = node;
  if (entry.written.time_since_epoch().count() > 0) {
    // Clocks of machines differ a little: an entry stamped "after now" is a fresh one.
    member.age = std::max(Millis(0), std::chrono::duration_cast<Millis>(now - entry.written));
  }
  const Json json = Json::parse(entry.value, nullptr, false);
  if (!json.is_object()) return member;
  member.fingerprint = text(json, "fingerprint");
  member.started = text(json, "started");
  member.host = text(json, "host");
  member.pid = integer(json, "pid");
  member.version = text(json, "version");
  const auto duplicate = json.find("duplicate");
  member.duplicate = duplicate != json.end() && duplicate->is_boolean() && duplicate->get<bool>();
  return member;
}

// "9f8e7d6c…": enough to tell two configs apart in a sentence.
std::string shortened(const std::string& fingerprint) {
  return fingerprint.size() > 8 ? fingerprint.substr(0, 8) + "…" : fingerprint;
}

}  // namespace

Membership::Membership(JetStream& js, MembershipOptions options)
    : options_(validated(std::move(options))),
      members_(open_bucket(js, bucket(kMembersBucket, options_.replicas, options_.member_timeout), options_)),
      cluster_(open_bucket(js, bucket(kClusterBucket, options_.replicas, std::chrono::nanoseconds(0)), options_)),
      started_(format_rfc3339(Clock::now())),
      host_(host_name()),
      pid_(::getpid()),
      instance_(random_instance()) {}

View Membership::beat() {
  announce();
  // The record before the members: a node announces itself before it writes the record, so whoever
  // reads a record also finds its writer among the members (settle_config relies on it).
  ConfigRecord config = read_config();
  auto members = read_members();
  // nats-server 2.9 may write several concurrent compare-and-sets of one revision (docs/cluster.md),
  // so a first beat's record may still be replaced by another node's first beat: work starts once
  // every write that raced with this node's has been applied, at the next beat.
  const bool joining = !config_checked_;
  config = settle_config(std::move(config), members);
  return view_of(std::move(members), config, joining);
}

void Membership::adopt_config() {
  for (int attempt = 0; attempt < kAdoptAttempts; ++attempt) {
    ConfigRecord wanted = own_config();
    if (write_config(wanted, read_config().revision)) {
      config_checked_ = true;
      return;
    }
  }
  throw std::runtime_error(fmt::format("cluster config: other nodes changed it {} times while node {} tried to set it",
                                       kAdoptAttempts, options_.node));
}

void Membership::leave() {
  // Only this process's own entry: a duplicate's stays.
  const auto current = members_.get_from_leader(options_.node);
  if (current && written_by_this_process(current->value)) members_.erase(options_.node);
  revision_ = 0;
}

void Membership::set_fingerprint(std::string fingerprint) {
  if (fingerprint.empty()) throw std::invalid_argument("cluster node " + options_.node + ": no config fingerprint");
  options_.config_fingerprint = std::move(fingerprint);
}

// The entry is written only over this process's last write: when that fails, either it expired
// (this node did not beat for member_timeout) or another process wrote under the same name.
void Membership::announce() {
  if (revision_ != 0) {
    const auto result = members_.update(options_.node, member_value(), revision_);
    if (result.written()) {
      revision_ = result.revision;
      return;
    }
    note_other_writer();
  }
  // At the first beat an entry of another process may be a crashed predecessor's: it is written
  // over, and a live one will show itself by writing again before the next beat.
  revision_ = members_.put(options_.node, member_value());
}

void Membership::note_other_writer() {
  const auto current = members_.get_from_leader(options_.node);
  if (!current || written_by_this_process(current->value)) return;
  other_ = member_of(options_.node, *current, Clock::now());
  // Both processes keep seeing each other's writes; if one beats more slowly, some beats see none.
  duplicate_until_ = std::chrono::steady_clock::now() + options_.member_timeout;
}

bool Membership::duplicate() const { return std::chrono::steady_clock::now() < duplicate_until_; }

std::string Membership::member_value() const {
  const Json value = {
      {"node", options_.node},   {"fingerprint", options_.config_fingerprint},
      {"started", started_},     {"pid", pid_},
      {"host", host_},           {"version", std::string(kVersion)},
      {"instance", instance_},   {"duplicate", duplicate()},
  };
  return value.dump();
}

bool Membership::written_by_this_process(const std::string& value) const {
  const Json json = Json::parse(value, nullptr, false);
  return json.is_object() && text(json, "instance") == instance_ && integer(json, "pid") == pid_ &&
         text(json, "host") == host_ && text(json, "started") == started_;
}

// From the leader, like every read here that decides a write: a replica that lags could hide a
// node that announced itself before writing the config record (see beat()).
std::vector<Member> Membership::read_members() {
  const TimePoint now = Clock::now();
  std::vector<Member> members;
  for (const auto& [node, entry] : members_.entries_from_leader()) members.push_back(member_of(node, entry, now));
  return members;   // sorted by node, as the map was
}

// Missing (or unreadable): any node sets its own, and create() lets one of several win. At a node's
// first beat: its own when no other live node runs the recorded one (the whole cluster was
// restarted with a new file), else the record unchanged, written all the same by compare-and-set
// on the revision read, so that a node that read the old record and would take it over later
// loses. Of updates racing at one revision several may be written (see beat()). After the first
// beat only adopt_config() changes the record.
Membership::ConfigRecord Membership::settle_config(ConfigRecord config, const std::vector<Member>& members) {
  std::optional<ConfigRecord> wanted;
  if (!config.readable) {
    wanted = own_config();
  } else if (!config_checked_) {
    wanted = orphaned(config, members) ? own_config() : config;
  }
  // Lost the race: the winner's record stands.
  if (wanted) config = write_config(*wanted, config.revision) ? *wanted : read_config();
  config_checked_ = true;
  return config;
}

bool Membership::orphaned(const ConfigRecord& config, const std::vector<Member>& members) const {
  return config.fingerprint != options_.config_fingerprint &&
         std::none_of(members.begin(), members.end(), [&](const Member& member) {
           return member.node != options_.node && member.fingerprint == config.fingerprint;
         });
}

Membership::ConfigRecord Membership::read_config() {
  const auto entry = cluster_.get_from_leader(kConfigKey);
  if (!entry) return {};
  ConfigRecord config;
  config.revision = entry->revision;
  const Json json = Json::parse(entry->value, nullptr, false);
  if (!json.is_object()) return config;
  config.fingerprint = text(json, "fingerprint");
  config.node = text(json, "node");
  config.at = text(json, "at");
  config.readable = !config.fingerprint.empty();
  return config;
}

Membership::ConfigRecord Membership::own_config() const {
  return ConfigRecord{options_.config_fingerprint, options_.node, format_rfc3339(Clock::now()), 0, true};
}

// Writes `record` if the stored one is still at `revision` (0: none); false when another node
// changed it first.
bool Membership::write_config(ConfigRecord& record, std::uint64_t revision) {
  const std::string value = Json{{"fingerprint", record.fingerprint}, {"node", record.node}, {"at", record.at}}.dump();
  const auto result = revision == 0 ? cluster_.create(kConfigKey, value) : cluster_.update(kConfigKey, value, revision);
  if (result.written()) record.revision = result.revision;
  return result.written();
}

View Membership::view_of(std::vector<Member> members, const ConfigRecord& config, bool joining) const {
  View view;
  view.cluster_fingerprint = config.fingerprint;
  view.set_by = config.node;
  view.set_at = config.at;
  view.duplicate_node = duplicate();
  view.accepted =
      !joining && !view.duplicate_node && config.readable && config.fingerprint == options_.config_fingerprint;
  for (const auto& member : members) {
    const bool runs_cluster_config = config.readable && member.fingerprint == config.fingerprint;
    const bool refused_self = member.node == options_.node && !view.accepted;
    if (runs_cluster_config && !member.duplicate && !refused_self) view.workers.push_back(member.node);
  }
  if (!view.accepted) view.refusal = refusal(config);
  view.members = std::move(members);
  return view;
}

std::string Membership::refusal(const ConfigRecord& config) const {
  if (duplicate()) {
    return fmt::format("another process announces itself as node {} (pid {} on host {}, started {}); give each "
                       "node its own name",
                       options_.node, other_.pid, other_.host, other_.started);
  }
  if (!config.readable) return "the cluster's config record is missing or unreadable; it is set again at the next beat";
  if (config.fingerprint == options_.config_fingerprint) {
    return "joining: this node takes work from its next beat, when the cluster's config record has settled";
  }
  return fmt::format("config differs from the cluster's: this node runs sha256 {}, the cluster runs {} (set by node {} "
                     "at {}); start or reload it with the same file",
                     shortened(options_.config_fingerprint), shortened(config.fingerprint), config.node, config.at);
}

}  // namespace newsalert::cluster
