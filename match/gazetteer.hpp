// The built-in gazetteer: other names a region goes by (demonyms, capitals, common short forms).
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace newsalert::match {

struct GazetteerEntry {
  std::string_view name;                // canonical name: "Iran"
  std::vector<std::string_view> aliases;  // "Iranian", "Tehran", ...
};

// A small static table for now (Middle East, North Africa, the major powers and ~30 other
// countries); a fuller generated gazetteer will replace the data, not the interface.
class Gazetteer {
 public:
  // The process-wide built-in table; built on first use, read-only afterwards (thread-safe).
  static const Gazetteer& builtin();

  // Looks a region up by its canonical name or any alias, ignoring case, accents and punctuation
  // ("gaza" finds the Gaza Strip, "Türkiye" finds Turkey). A canonical name wins over an alias
  // of another entry; between aliases, the earlier entry wins. nullptr when unknown.
  const GazetteerEntry* find(std::string_view name) const;

  const std::vector<GazetteerEntry>& entries() const { return entries_; }

 private:
  Gazetteer();
  std::vector<GazetteerEntry> entries_;
  std::unordered_map<std::string, std::size_t> index_;  // folded name -> entry
};

}  // namespace newsalert::match
