// The built-in gazetteer's data and its case- and accent-insensitive lookup.
#include "match/gazetteer.hpp"

#include "match/normalizer.hpp"

#include <array>

namespace newsalert::match {
namespace {

struct Row {
  std::string_view name;
  std::string_view aliases;  // '|'-separated
};

// Order matters only for ambiguous aliases: "Gaza" resolves to the Gaza Strip, not Palestine.
// All-caps short forms (US, UK, UAE) are matched case-sensitively by the matcher, so "us" the
// pronoun never counts as the United States.
constexpr std::array kRows{
    // Middle East
    Row{"Iran", "Iranian|Iranians|Tehran|Persia|Islamic Republic of Iran|ایران|إيران"},
    Row{"Israel", "Israeli|Israelis|Jerusalem|Tel Aviv|إسرائيل"},
    Row{"Gaza Strip", "Gaza|Gazan|Gazans|Rafah|Khan Younis|Khan Yunis|غزة"},
    Row{"Palestine", "Palestinian|Palestinians|Palestinian territories|West Bank|Ramallah|Gaza|Gaza Strip"},
    Row{"Lebanon", "Lebanese|Beirut|لبنان"},
    Row{"Yemen", "Yemeni|Yemenis|Sanaa|اليمن"},
    Row{"Iraq", "Iraqi|Iraqis|Baghdad|العراق"},
    Row{"Syria", "Syrian|Syrians|Damascus|سوريا"},
    Row{"Saudi Arabia", "Saudi|Saudis|Riyadh|KSA"},
    Row{"Jordan", "Jordanian|Jordanians|Amman"},
    Row{"Qatar", "Qatari|Qataris|Doha"},
    Row{"United Arab Emirates", "UAE|U.A.E.|Emirati|Emiratis|Abu Dhabi|Dubai"},
    Row{"Kuwait", "Kuwaiti|Kuwaitis|Kuwait City"},
    Row{"Bahrain", "Bahraini|Bahrainis|Manama"},
    Row{"Oman", "Omani|Omanis|Muscat"},
    Row{"Turkey", "Türkiye|Turkish|Turks|Ankara"},
    Row{"Cyprus", "Cypriot|Cypriots|Nicosia"},
    Row{"Afghanistan", "Afghan|Afghans|Kabul"},
    // North Africa and the Horn
    Row{"Egypt", "Egyptian|Egyptians|Cairo|مصر"},
    Row{"Libya", "Libyan|Libyans|Tripoli|Benghazi"},
    Row{"Tunisia", "Tunisian|Tunisians|Tunis"},
    Row{"Algeria", "Algerian|Algerians|Algiers"},
    Row{"Morocco", "Moroccan|Moroccans|Rabat"},
    Row{"Sudan", "Sudanese|Khartoum"},
    Row{"South Sudan", "South Sudanese|Juba"},
    Row{"Ethiopia", "Ethiopian|Ethiopians|Addis Ababa"},
    Row{"Somalia", "Somali|Somalis|Mogadishu"},
    // Major powers
    Row{"United States", "United States of America|U.S.|US|USA|U.S.A.|American|Americans|Washington"},
    Row{"United Kingdom", "UK|U.K.|Britain|Great Britain|British|London"},
    Row{"Russia", "Russian|Russians|Russian Federation|Moscow|Kremlin"},
    Row{"China", "Chinese|PRC|Beijing"},
    Row{"France", "French|Paris|Elysee"},
    Row{"European Union", "EU|E.U."},
    // Other major countries
    Row{"Ukraine", "Ukrainian|Ukrainians|Kyiv|Kiev"},
    Row{"Belarus", "Belarusian|Belarusians|Minsk"},
    Row{"Germany", "German|Germans|Berlin"},
    Row{"Italy", "Italian|Italians|Rome"},
    Row{"Spain", "Spanish|Madrid"},
    Row{"Poland", "Polish|Poles|Warsaw"},
    Row{"Netherlands", "Dutch|Holland|Amsterdam|The Hague"},
    Row{"Belgium", "Belgian|Belgians|Brussels"},
    Row{"Greece", "Greek|Greeks|Athens"},
    Row{"Sweden", "Swedish|Swedes|Stockholm"},
    Row{"Norway", "Norwegian|Norwegians|Oslo"},
    Row{"Finland", "Finnish|Finns|Helsinki"},
    Row{"Armenia", "Armenian|Armenians|Yerevan"},
    Row{"Azerbaijan", "Azerbaijani|Azerbaijanis|Azeri|Baku"},
    Row{"Georgia", "Georgian|Georgians|Tbilisi"},
    Row{"Kazakhstan", "Kazakh|Kazakhs|Astana"},
    Row{"Pakistan", "Pakistani|Pakistanis|Islamabad"},
    Row{"India", "Indian|Indians|New Delhi"},
    Row{"Japan", "Japanese|Tokyo"},
    Row{"North Korea", "North Korean|North Koreans|DPRK|Pyongyang"},
    Row{"South Korea", "South Korean|South Koreans|Seoul"},
    Row{"Taiwan", "Taiwanese|Taipei"},
    Row{"Indonesia", "Indonesian|Indonesians|Jakarta"},
    Row{"Vietnam", "Vietnamese|Hanoi"},
    Row{"Philippines", "Philippine|Filipino|Filipinos|Manila"},
    Row{"Australia", "Australian|Australians|Canberra"},
    Row{"Canada", "Canadian|Canadians|Ottawa"},
    Row{"Mexico", "Mexican|Mexicans|Mexico City"},
    Row{"Brazil", "Brazilian|Brazilians|Brasilia"},
    Row{"Argentina", "Argentine|Argentinian|Argentinians|Buenos Aires"},
    Row{"Venezuela", "Venezuelan|Venezuelans|Caracas"},
    Row{"Nigeria", "Nigerian|Nigerians|Abuja"},
    Row{"South Africa", "South African|South Africans|Pretoria"},
};

std::vector<std::string_view> split_aliases(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    const auto bar = s.find('|');
    out.push_back(s.substr(0, bar));
    if (bar == std::string_view::npos) break;
    s.remove_prefix(bar + 1);
  }
  return out;
}

}  // namespace

const Gazetteer& Gazetteer::builtin() {
  static const Gazetteer instance;
  return instance;
}

Gazetteer::Gazetteer() {
  entries_.reserve(kRows.size());
  for (const Row& row : kRows) entries_.push_back(GazetteerEntry{row.name, split_aliases(row.aliases)});
  // Canonical names first so they win over another entry's alias; emplace keeps the first.
  for (std::size_t i = 0; i < entries_.size(); ++i) index_.emplace(Normalizer::key(entries_[i].name), i);
  for (std::size_t i = 0; i < entries_.size(); ++i)
    for (std::string_view alias : entries_[i].aliases) index_.emplace(Normalizer::key(alias), i);
}

const GazetteerEntry* Gazetteer::find(std::string_view name) const {
  const std::string key = Normalizer::key(name);
  if (key.empty()) return nullptr;
  const auto it = index_.find(key);
  return it == index_.end() ? nullptr : &entries_[it->second];
}

}  // namespace newsalert::match
