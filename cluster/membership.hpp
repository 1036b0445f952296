// Which nodes are alive and which of them get work: each node's heartbeat in a KV bucket whose
// entries expire, and the one config fingerprint the cluster runs.
//
// Every call blocks on the servers (see connection.hpp): the daemon calls these from a thread of
// its own, never from the event loop. One Membership is used by one thread at a time.
#pragma once

#include "cluster/kv_bucket.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace newsalert::cluster {

class JetStream;

struct MembershipOptions {
  std::string node;                 // this node's name, unique in the cluster: letters, digits, - _ / = and inner dots
  std::string config_fingerprint;   // of the config this node runs (the daemon's digest of its file)
  int replicas = 3;                 // of both buckets; every node must give the same
  // How often the daemon calls beat(); a node whose last beat is member_timeout old is gone.
  // member_timeout is the members bucket's TTL, the same on every node, at least twice heartbeat.
  std::chrono::milliseconds heartbeat{2000};
  std::chrono::milliseconds member_timeout{10000};
};

// One live node as its last beat announced it.
struct Member {
  std::string node;
  std::string fingerprint;          // "" when its entry could not be read
  std::string started;              // RFC 3339, when its process began announcing itself
  std::string host;
  std::int64_t pid = 0;
  std::string version;
  bool duplicate = false;           // it saw another process announce the same name
  std::optional<std::chrono::milliseconds> age;   // since its last beat, by the servers' time stamp
};

struct View {
  std::vector<Member> members;      // every live node, sorted by name, refused ones included
  // The live nodes that run the cluster's config and are not duplicates, sorted: the ones that
  // get work (hand them to Ownership).
  std::vector<std::string> workers;
  std::string cluster_fingerprint;  // the config the cluster runs
  std::string set_by;               // the node that set it, and when (RFC 3339)
  std::string set_at;
  bool accepted = false;            // this node is one of the workers (never at its first beat)
  std::string refusal;              // why not, for the log and status; "" when accepted
  bool duplicate_node = false;      // another live process announces this node's name
};

class Membership {
 public:
  static constexpr const char* kMembersBucket = "newsalert-members";
  static constexpr const char* kClusterBucket = "newsalert-cluster";
  static constexpr const char* kConfigKey = "config";

  // Creates or binds both buckets. Throws std::invalid_argument for unusable options and
  // NatsError when the servers refuse (a bucket that exists with another TTL or replica count).
  // `js` must outlive this object.
  Membership(JetStream& js, MembershipOptions options);

  // Announces this node, reads every member and the cluster's config, and says who gets work.
  // At the first beat it sets the cluster's config to this node's when none is recorded or no
  // other live node runs the recorded one; this node is accepted from its second beat on. Throws
  // NatsError when the servers do not answer: a node that cannot beat for member_timeout is gone
  // for the others, so it must stop its work.
  View beat();
  // Makes this node's fingerprint the cluster's (after a reload): nodes still on another config
  // stop getting work at their next beat.
  void adopt_config();
  // Removes this node's entry now (a clean shutdown), so its keys move at the others' next beat
  // instead of after member_timeout. A later beat announces it again.
  void leave();
  // The daemon reloaded: announced from the next beat on.
  void set_fingerprint(std::string fingerprint);

  const MembershipOptions& options() const noexcept { return options_; }
  const std::string& started() const noexcept { return started_; }

 private:
  struct ConfigRecord {
    std::string fingerprint;
    std::string node;
    std::string at;
    std::uint64_t revision = 0;   // 0: no record
    bool readable = false;
  };

  void announce();
  void note_other_writer();
  bool duplicate() const;
  std::string member_value() const;
  bool written_by_this_process(const std::string& value) const;
  std::vector<Member> read_members();
  ConfigRecord settle_config(ConfigRecord config, const std::vector<Member>& members);
  bool orphaned(const ConfigRecord& config, const std::vector<Member>& members) const;
  ConfigRecord read_config();
  ConfigRecord own_config() const;
  bool write_config(ConfigRecord& record, std::uint64_t revision);
  View view_of(std::vector<Member> members, const ConfigRecord& config, bool joining) const;
  std::string refusal(const ConfigRecord& config) const;

  MembershipOptions options_;
  KvBucket members_;
  KvBucket cluster_;
  std::string started_;
  std::string host_;
  std::int64_t pid_ = 0;
  std::string instance_;            // random: tells two processes apart even with equal pid and start
  std::uint64_t revision_ = 0;      // of this node's last own write; 0 before the first and after leave()
  bool config_checked_ = false;
  std::chrono::steady_clock::time_point duplicate_until_{};
  Member other_;                    // the other process last seen writing under this node's name
};

}  // namespace newsalert::cluster
