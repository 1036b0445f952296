// The subcommands of newsalertd other than the daemon itself: check, parse, extract, match, replay, deliveries.
#pragma once

#include "config/config.hpp"

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace newsalert::daemon {

// Exit codes (contract): 0 success, 1 runtime failure, 2 usage or configuration error.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// Loads a config for a tool that does not use the state directory; prints every problem to `err`
// as file:line: message and returns nullopt when it cannot.
std::optional<config::Config> load_tool_config(const std::string& config_file, std::ostream& err);

int run_check(const std::string& config_file, std::ostream& out, std::ostream& err);
// Sends a sample alert through the webhook named `webhook` now and prints what the far end answered.
int run_notify_test(const std::string& config_file, const std::string& webhook, std::ostream& out, std::ostream& err);
// content_type stands in for the HTTP Content-Type of files (its charset outranks the XML declaration);
// base_url, when set, is what relative links resolve against instead of the file name or URL.
int run_parse(const std::vector<std::string>& inputs, std::ostream& out, std::ostream& err,
              const std::string& content_type = {}, const std::string& base_url = {});
// Prints one JSON object per page: its article's url, title, byline, published (RFC 3339 UTC or null),
// lang (or null) and text. base_url, when set, stands in for a file's URL (relative canonical links).
int run_extract(const std::vector<std::string>& inputs, std::ostream& out, std::ostream& err,
                const std::string& base_url = {});
// explain: print, for every watchlist that found anything, the hits, the rule clauses and the verdict.
// deliveries list | retry ID...|--all | purge: the dead letters and disabled webhooks, offline or
// beside the running daemon (SQLite WAL and a busy timeout make that safe).
int run_deliveries(const std::string& config_file, const std::vector<std::string>& args, std::ostream& out,
                   std::ostream& err);
int run_match(const std::string& config_file, const std::vector<std::string>& inputs, std::ostream& out,
              std::ostream& err, bool explain = false);
// Runs saved feeds, article files or directories of them through the daemon's own pipeline (on a
// scratch store: unseen filter, max_age, matching, story dedupe, throttle); prints per watchlist
// the alerts it would have sent, or with `json` their payloads, one per line.
int run_replay(const std::string& config_file, const std::vector<std::string>& inputs, std::ostream& out,
               std::ostream& err, bool json = false);

}  // namespace newsalert::daemon
