// Which worker owns a key (a feed): rendezvous hashing over the workers' names, the same in every
// process and build, and what a change of the workers means for one key on this node.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace newsalert::cluster {

// The weight of `member` for `key`: FNV-1a 64 (offset basis 0xcbf29ce484222325, prime
// 0x100000001b3) over the bytes of `member`, one 0 byte and the bytes of `key`, then splitmix64's
// finaliser (x ^= x >> 30; x *= 0xbf58476d1ce4e5b9; x ^= x >> 27; x *= 0x94d049bb133111eb;
// x ^= x >> 31). Every node of a cluster must compute the same weights: a change here makes
// nodes of two versions disagree on owners.
std::uint64_t ownership_weight(std::string_view member, std::string_view key) noexcept;

// The member of highest weight for `key` (equal weights: the smaller name); "" when there is none.
std::string owner_of(std::string_view key, const std::vector<std::string>& members);

// One list of workers, with each name's part of the hash computed once: deciding the owners of
// 10,000 keys among a few workers is a few milliseconds.
class Ownership {
 public:
  // Sorted, duplicates dropped.
  explicit Ownership(std::vector<std::string> members = {});

  const std::vector<std::string>& members() const noexcept { return members_; }
  bool contains(std::string_view member) const noexcept;
  // As owner_of() above; "" when there are no members.
  const std::string& owner_of(std::string_view key) const noexcept;

  // Same members: nothing changes hands, the daemon can skip deciding.
  bool operator==(const Ownership& other) const noexcept { return members_ == other.members_; }

 private:
  std::vector<std::string> members_;
  std::vector<std::uint64_t> seeds_;   // FNV-1a state after each member's name and its 0 byte
};

// What a change of the workers means for one key on this node.
enum class Handoff {
  None,        // this node neither gains nor loses the key
  Release,     // this node owned it and another worker does now: stop at once
  TakeNow,     // this node owns it now and its owner before has left (or there was none): start now
  TakeAfter,   // this node owns it now and its owner before is still alive: start once it has stopped
};

// Going from the workers `before` to the workers `after`, for node `self` and `key`. `alive` names
// every live member, workers or not (View::members): an owner that is alive but no longer a worker
// (refused after a reload) works on until its own beat tells it to stop, so it is waited for too.
Handoff handoff(std::string_view key, std::string_view self, const Ownership& before, const Ownership& after,
                const std::vector<std::string>& alive);

}  // namespace newsalert::cluster
