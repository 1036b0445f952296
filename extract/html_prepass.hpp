// A linear pass over raw HTML before the HTML5 parser: takes out what extraction never reads and bounds what would make parsing quadratic.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace newsalert::extract {

struct PrepassedHtml {
  std::string html;                   // what the parser is given
  std::vector<std::string> json_ld;   // bodies of <script type="application/ld+json">, in document order
};

// Elements open at once (not counting those whose end tag HTML lets a page omit, nor void elements)
// past which start tags, and as many end tags after them, are dropped: the HTML5 tree builder scans
// its stack of open elements per tag, so 1 MiB of nested <div> would otherwise cost minutes.
inline constexpr int kMaxOpenElements = 400;
// Tags kept in all: the parsed tree costs about a kilobyte per element, so a page of millions of
// tiny elements would cost gigabytes. The largest real pages measured have about 10,000. Past it
// the tags are dropped and their text kept.
inline constexpr int kMaxElements = 50'000;
// Attributes kept per tag: the parser checks each new attribute against the tag's others.
inline constexpr int kMaxAttributes = 64;

// Drops comments, processing instructions and the whole of <script>, <style>, <noscript>,
// <template>, <textarea>, <iframe>, <noembed>, <noframes>, <xmp> and what follows <plaintext>
// (keeping JSON-LD script bodies aside), and applies the limits above. Everything else is
// copied as written, so the parser still sees the page's own structure.
PrepassedHtml prepass_html(std::string_view html);

}  // namespace newsalert::extract
