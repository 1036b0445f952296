// robots.txt as RFC 9309 reads it: which paths of a host a crawler with a given product token may fetch.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace newsalert::poll {

// Parsers must read at least 500 KiB (RFC 9309 2.5); what lies past it is ignored.
inline constexpr std::size_t kRobotsMaxBytes = 500 * 1024;

class RobotsTxt {
 public:
  // Everything allowed: a host without robots.txt (a 4xx answer) is open to crawlers.
  static RobotsTxt allow_all();
  // Nothing allowed: a robots.txt that cannot be read (5xx, network failure) closes the host.
  static RobotsTxt disallow_all();

  // The rules of the group for `product` (a crawler's product token, matched without regard to
  // case), else of the `*` group, else none. Lines that are not rules are skipped, as the RFC asks.
  static RobotsTxt parse(std::string_view text, std::string_view product);

  // Whether `path_and_query` ("/a/b?c", percent-encoded as on the wire) may be fetched: the longest
  // matching rule decides, allow winning a tie; no matching rule allows. /robots.txt is always allowed.
  bool allows(std::string_view path_and_query) const;

  std::size_t rule_count() const { return rules_.size(); }

 private:
  struct Rule {
    std::string pattern;   // with `*` wildcards and an optional trailing `$`
    bool allow = false;
  };
  std::vector<Rule> rules_;
  bool closed_ = false;
};

// The product token of a User-Agent value: "newsalertd/1.4 (+https://...)" -> "newsalertd".
std::string product_token(std::string_view user_agent);

}  // namespace newsalert::poll
