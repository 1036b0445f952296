// The built-in gazetteer's data (generated, see scripts/generate_gazetteer) and its lookups.
#include "match/gazetteer.hpp"

#include "match/normalizer.hpp"

#include <algorithm>

namespace newsalert::match {
namespace {

struct EntryRow {
  std::string_view code;
  char kind;
  std::string_view name;
  std::string_view parents;  // '|'-separated codes
  std::string_view aliases;  // '|'-separated
  bool name_searched;
  std::string_view names;    // '|'-separated: the aliases that name the place itself
};

struct SenseRow {
  std::string_view name;
  std::string_view code;     // empty: not a place
  std::string_view context;  // '|'-separated
};

#include "match/gazetteer_data.inc"

std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    const auto bar = s.find('|');
    out.push_back(s.substr(0, bar));
    if (bar == std::string_view::npos) break;
    s.remove_prefix(bar + 1);
  }
  return out;
}

PlaceKind kind_of(char k) {
  switch (k) {
    case 's': return PlaceKind::subdivision;
    case 't': return PlaceKind::territory;
    case 'y': return PlaceKind::city;
    case 'g': return PlaceKind::group;
    case 'f': return PlaceKind::feature;
    default: return PlaceKind::country;
  }
}

// Latin-script names of subdivisions are often ordinary words elsewhere; a capital is required.
bool has_cased_letter(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); });
}

}  // namespace

const Gazetteer& Gazetteer::builtin() {
  static const Gazetteer instance;
  return instance;
}

Gazetteer::Gazetteer() {
  std::unordered_map<std::string_view, std::uint32_t> by_code;
  entries_.reserve(std::size(kEntryRows));
  for (const EntryRow& row : kEntryRows) {
    by_code.emplace(row.code, static_cast<std::uint32_t>(entries_.size()));
    entries_.push_back(GazetteerEntry{row.code, row.name, kind_of(row.kind), {}, split(row.aliases), row.name_searched});
  }
  for (std::size_t i = 0; i < entries_.size(); ++i)
    for (std::string_view parent : split(kEntryRows[i].parents))
      if (const auto it = by_code.find(parent); it != by_code.end()) entries_[i].parents.push_back(it->second);

  // Ancestors, breadth first so the nearest come first; the data has no cycles, but a bad edit
  // must not hang start-up, hence the visited check.
  ancestors_.resize(entries_.size());
  for (std::uint32_t e = 0; e < entries_.size(); ++e) {
    std::vector<std::uint32_t>& out = ancestors_[e];
    out.push_back(e);
    for (std::size_t k = 0; k < out.size(); ++k)
      for (std::uint32_t p : entries_[out[k]].parents)
        if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  }

  // Canonical names first so they win over another entry's alias; emplace keeps the first.
  for (std::uint32_t i = 0; i < entries_.size(); ++i)
    if (entries_[i].name_searched) index_.emplace(Normalizer::key(entries_[i].name), i);
  for (std::uint32_t i = 0; i < entries_.size(); ++i)
    for (std::string_view alias : entries_[i].aliases) index_.emplace(Normalizer::key(alias), i);
  for (std::uint32_t i = 0; i < entries_.size(); ++i) index_.emplace(Normalizer::key(entries_[i].code), i);

  // Searchable names: one PlaceName per folded key, naming every entry that uses it.
  std::unordered_map<std::string, std::uint32_t> name_index;
  auto add_name = [&](std::string_view text, std::uint32_t entry, bool capital_only) {
    std::string key = Normalizer::key(text);
    if (key.empty()) return;
    auto [it, inserted] = name_index.emplace(std::move(key), static_cast<std::uint32_t>(names_.size()));
    if (inserted) names_.push_back(PlaceName{text, {}, -1, false});
    PlaceName& name = names_[it->second];
    if (std::find(name.entries.begin(), name.entries.end(), entry) == name.entries.end()) name.entries.push_back(entry);
    name.capital_only = name.capital_only || capital_only;
  };
  for (std::uint32_t i = 0; i < entries_.size(); ++i) {
    const bool subdivision = entries_[i].kind == PlaceKind::subdivision;
    if (entries_[i].name_searched) add_name(entries_[i].name, i, subdivision && has_cased_letter(entries_[i].name));
    for (std::string_view alias : entries_[i].aliases) add_name(alias, i, subdivision && has_cased_letter(alias));
  }
  keep_longer_names_apart();
  for (std::string_view capital : split(kCapitalOnly))
    if (const auto it = name_index.find(Normalizer::key(capital)); it != name_index.end())
      names_[it->second].capital_only = true;

  for (const SenseRow& row : kSenseRows) {
    const std::string key = Normalizer::key(row.name);
    auto it = name_index.find(key);
    if (it == name_index.end()) {
      it = name_index.emplace(key, static_cast<std::uint32_t>(names_.size())).first;
      names_.push_back(PlaceName{row.name, {}, -1, true});
    }
    PlaceName& name = names_[it->second];
    if (name.ambiguity < 0) {
      name.ambiguity = static_cast<std::int32_t>(ambiguities_.size());
      ambiguities_.push_back(Ambiguity{row.name, {}});
    }
    Sense sense;
    if (!row.code.empty()) sense.entry = by_code.at(row.code);
    sense.context = split(row.context);
    ambiguities_[static_cast<std::size_t>(name.ambiguity)].senses.push_back(std::move(sense));
  }
  mark_region_names();
}

// The names of countries, subdivisions and territories themselves (not their cities or people), in
// any language: the ones that can qualify a city ("Moscow, Idaho").
void Gazetteer::mark_region_names() {
  std::unordered_map<std::string, std::uint32_t> by_key;
  for (std::uint32_t i = 0; i < names_.size(); ++i) by_key.emplace(Normalizer::key(names_[i].text), i);
  auto mark = [&](std::string_view text) {
    const std::string key = Normalizer::key(text);
    if (const auto it = by_key.find(key); it != by_key.end()) {
      names_[it->second].region_name = true;
      region_names_.emplace(key, it->second);
    }
  };
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const PlaceKind kind = entries_[i].kind;
    if (kind != PlaceKind::country && kind != PlaceKind::subdivision && kind != PlaceKind::territory) continue;
    mark(entries_[i].name);
    for (std::string_view n : split(kEntryRows[i].names)) mark(n);
  }
  for (PlaceName& name : names_)
    if (name.ambiguity >= 0)
      for (const Sense& sense : ambiguities_[static_cast<std::size_t>(name.ambiguity)].senses)
        if (sense.entry != Sense::kNoPlace && entries_[sense.entry].kind != PlaceKind::city &&
            entries_[sense.entry].kind != PlaceKind::group && entries_[sense.entry].kind != PlaceKind::feature)
          name.region_name = true;
  for (std::uint32_t i = 0; i < names_.size(); ++i)
    if (names_[i].region_name) region_names_.emplace(Normalizer::key(names_[i].text), i);
}

std::uint32_t Gazetteer::region_name(std::string_view key) const {
  const auto it = region_names_.find(std::string(key));
  return it == region_names_.end() ? UINT32_MAX : it->second;
}

// A name shared by several entries does not count for those whose own name is longer and contains
// it: a bare "Jerusalem" is Israel's alias, not East Jerusalem (whose ISO name it also is).
void Gazetteer::keep_longer_names_apart() {
  auto contains_words = [](const std::string& longer, const std::string& shorter) {
    if (longer.size() <= shorter.size()) return false;
    for (std::size_t at = longer.find(shorter); at != std::string::npos; at = longer.find(shorter, at + 1)) {
      const bool starts = at == 0 || longer[at - 1] == ' ';
      const bool ends = at + shorter.size() == longer.size() || longer[at + shorter.size()] == ' ';
      if (starts && ends) return true;
    }
    return false;
  };
  for (PlaceName& name : names_) {
    if (name.entries.size() < 2) continue;
    const std::string key = Normalizer::key(name.text);
    std::vector<std::uint32_t> kept;
    for (std::uint32_t e : name.entries)
      if (!contains_words(Normalizer::key(entries_[e].name), key)) kept.push_back(e);
    if (!kept.empty()) name.entries = std::move(kept);
  }
}

const GazetteerEntry* Gazetteer::find(std::string_view name) const {
  const std::string key = Normalizer::key(name);
  if (key.empty()) return nullptr;
  const auto it = index_.find(key);
  return it == index_.end() ? nullptr : &entries_[it->second];
}

}  // namespace newsalert::match
