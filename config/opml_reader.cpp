// OPML feed lists through pugixml; lines are recovered from node offsets for file:line messages.
#include "config/opml_reader.hpp"

#include "common/text.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace newsalert::config {
namespace {

int line_at(const std::string& text, std::ptrdiff_t offset) {
  if (offset < 0) return 0;
  const auto end = text.begin() + std::min<std::ptrdiff_t>(offset, static_cast<std::ptrdiff_t>(text.size()));
  return 1 + static_cast<int>(std::count(text.begin(), end, '\n'));
}

// The outlines below `parent`, which sits `depth` levels down; false, with the problem listed, at
// the first outline nested deeper than kMaxOpmlDepth.
bool collect(pugi::xml_node parent, const std::string& text, OpmlList& list, int depth) {
  for (const auto outline : parent.children("outline")) {
    if (depth == kMaxOpmlDepth) {
      list.problems.push_back({line_at(text, outline.offset_debug()),
                               "outline nested deeper than " + std::to_string(kMaxOpmlDepth)});
      return false;
    }
    const std::string url(trim(outline.attribute("xmlUrl").value()));
    if (!url.empty()) {
      std::string title(trim(outline.attribute("title").value()));
      if (title.empty()) title = trim(outline.attribute("text").value());
      list.feeds.push_back({url, std::move(title), line_at(text, outline.offset_debug())});
    }
    if (!collect(outline, text, list, depth + 1)) return false;
  }
  return true;
}

}  // namespace

OpmlList read_opml(const std::filesystem::path& file) {
  OpmlList list;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    list.problems.push_back({0, std::string("cannot open: ") + std::strerror(errno)});
    return list;
  }
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  pugi::xml_document doc;
  const auto result = doc.load_buffer(text.data(), text.size());
  if (!result) {
    list.problems.push_back({line_at(text, result.offset), std::string("invalid XML: ") + result.description()});
    return list;
  }
  const auto body = doc.child("opml").child("body");
  if (!body) {
    list.problems.push_back({0, "not an OPML file: no <opml><body>"});
    return list;
  }
  if (!collect(body, text, list, 0)) return list;
  if (list.feeds.empty()) list.problems.push_back({line_at(text, body.offset_debug()), "no outline with an xmlUrl"});
  return list;
}

}  // namespace newsalert::config
