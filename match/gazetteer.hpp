// The built-in gazetteer: countries and their ISO 3166-2 subdivisions (generated from Debian's
// iso-codes), extended by hand with capitals, cities, demonyms, territories, named groups and the
// names that need context to be read right (Georgia, Jordan, Turkey, Congo, Niger, ...).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace newsalert::match {

enum class PlaceKind : std::uint8_t { country, subdivision, territory, city, group, feature };

struct GazetteerEntry {
  std::string_view code;                  // "IR", "US-GA", "X-GAZA-STRIP", "G-MIDDLE-EAST"
  std::string_view name;                  // canonical name: "Iran"
  PlaceKind kind = PlaceKind::country;
  std::vector<std::uint32_t> parents;     // a hit on this entry counts for each of these (and theirs)
  std::vector<std::string_view> aliases;  // "Iranian", "Tehran", ...
  bool name_searched = true;              // false: the name is ambiguous and decided by a sense rule
};

// One meaning of an ambiguous name, chosen by the words around it.
struct Sense {
  static constexpr std::uint32_t kNoPlace = UINT32_MAX;
  std::uint32_t entry = kNoPlace;             // the place it means, or kNoPlace (a person, a river)
  std::vector<std::string_view> context;      // words that speak for this sense
};

// An ambiguous name and its senses; the first sense is the default.
struct Ambiguity {
  std::string_view name;
  std::vector<Sense> senses;
};

// A name as it is searched for in text, with everything it can mean.
struct PlaceName {
  std::string_view text;                 // as written in the data
  std::vector<std::uint32_t> entries;    // unambiguous: every entry it names
  std::int32_t ambiguity = -1;           // index into ambiguities(), or -1
  bool capital_only = false;             // counts only when written with a capital ("Turkey", not "turkey")
  bool region_name = false;              // names a country, subdivision or territory itself ("Idaho", "Liban"),
                                         // not a city or its people: it can qualify a city ("Moscow, Idaho")
};

class Gazetteer {
 public:
  // The process-wide built-in table; built on first use, read-only afterwards (thread-safe).
  static const Gazetteer& builtin();

  // Looks a region up by its canonical name, any alias or its code, ignoring case, accents and
  // punctuation ("gaza" finds the Gaza Strip, "Türkiye" finds Turkey, "US-GA" the US state).
  // A canonical name wins over an alias of another entry; between aliases, the earlier entry
  // (countries before territories before subdivisions) wins. nullptr when unknown.
  const GazetteerEntry* find(std::string_view name) const;
  std::uint32_t index_of(const GazetteerEntry& entry) const {
    return static_cast<std::uint32_t>(&entry - entries_.data());
  }

  const std::vector<GazetteerEntry>& entries() const { return entries_; }
  const std::vector<PlaceName>& names() const { return names_; }
  const std::vector<Ambiguity>& ambiguities() const { return ambiguities_; }

  // The name (index into names()) of a country, subdivision or territory whose folded key is
  // `key` ("idaho"), or UINT32_MAX: what qualifies a city in "MOSCOW, Idaho".
  std::uint32_t region_name(std::string_view key) const;

  // The entry itself followed by every entry it counts for, nearest first.
  const std::vector<std::uint32_t>& ancestors(std::uint32_t entry) const { return ancestors_[entry]; }

 private:
  Gazetteer();
  void mark_region_names();
  void keep_longer_names_apart();
  std::vector<GazetteerEntry> entries_;
  std::vector<PlaceName> names_;
  std::vector<Ambiguity> ambiguities_;
  std::vector<std::vector<std::uint32_t>> ancestors_;
  std::unordered_map<std::string, std::uint32_t> index_;  // folded name -> entry
  std::unordered_map<std::string, std::uint32_t> region_names_;  // folded name -> its PlaceName
};

}  // namespace newsalert::match
