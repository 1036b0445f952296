// Reads the feed list out of an OPML file (the format feed readers export subscriptions in).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace newsalert::config {

struct OpmlFeed {
  std::string url;     // the outline's xmlUrl, as written
  std::string title;   // its title attribute, else its text attribute
  int line = 0;        // where the outline is in the OPML file
};

struct OpmlProblem {
  int line = 0;        // 0 when it is about the whole file
  std::string message;
};

struct OpmlList {
  std::vector<OpmlFeed> feeds;
  std::vector<OpmlProblem> problems;   // a file that cannot be read or parsed is one problem, line 0 or the XML error's
};

// Folders are nested outlines; exports are a few levels deep, and the reader recurses once per
// level, so a file of 100,000 levels would overflow the stack.
inline constexpr int kMaxOpmlDepth = 64;

// Every outline with an xmlUrl, at any depth up to kMaxOpmlDepth (folders are nested outlines), in
// document order. An outline nested deeper is a problem at its line.
OpmlList read_opml(const std::filesystem::path& file);

}  // namespace newsalert::config
