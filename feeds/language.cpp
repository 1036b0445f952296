// Language detection through CLD2; the one place that includes its headers.
#include "feeds/language.hpp"

#include "common/text.hpp"

#include <cstdio>  // compact_lang_det.h uses FILE without including it
#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>

namespace newsalert::feeds {
namespace {

// Enough text for CLD2 to be sure; past it, detection costs more and tells nothing new.
constexpr std::size_t kSampleBytes = 1024;
// Fewer letters than this (about five words of English) are too few to name a language.
constexpr int kMinLetterBytes = 32;

// The longest prefix of text, at most max bytes, that ends on a character boundary (CLD2 needs valid
// UTF-8, which the parser's text always is).
std::string_view utf8_prefix(std::string_view text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

// CLD2's codes where they differ from ISO 639-1 today.
std::string iso_code(std::string_view cld2) {
  if (cld2 == "iw") return "he";
  if (cld2 == "jw") return "jv";
  return std::string(cld2);
}

std::string sample_of(const Article& a) {
  std::string text = a.title;
  for (const std::string* part : {&a.summary, &a.content}) {
    if (text.size() >= kSampleBytes) break;
    // A feed without a summary has its content copied there; once is enough.
    if (part == &a.content && a.content == a.summary) break;
    text.append("\n").append(utf8_prefix(*part, kSampleBytes - text.size()));
  }
  return std::string(utf8_prefix(text, kSampleBytes));
}

}  // namespace

std::string primary_language(std::string_view tag) {
  const std::string lower = to_lower_ascii(trim(tag));
  if (lower == "zh-tw" || lower == "zh-hk" || lower == "zh-mo" || lower.starts_with("zh-hant")) return "zh-Hant";
  const auto end = lower.find_first_of("-_");
  return iso_code(std::string_view(lower).substr(0, end));
}

std::string detect_language(std::string_view text, std::string_view hint) {
  if (text.empty() || text.size() > static_cast<std::size_t>(INT32_MAX)) return {};
  const std::string hint_code = primary_language(hint);
  CLD2::CLDHints hints{hint_code.empty() ? nullptr : hint_code.c_str(), nullptr, CLD2::UNKNOWN_ENCODING,
                       CLD2::UNKNOWN_LANGUAGE};
  CLD2::Language top3[3];
  int percent3[3];
  double scores3[3];
  int text_bytes = 0;
  bool reliable = false;
  const CLD2::Language language = CLD2::ExtDetectLanguageSummary(
      text.data(), static_cast<int>(text.size()), true, &hints, 0, top3, percent3, scores3, nullptr, &text_bytes,
      &reliable);
  // CLD2 calls a few words reliable when they are not ("Иран и Израиль" is Kazakh to it).
  if (!reliable || language == CLD2::UNKNOWN_LANGUAGE || text_bytes < kMinLetterBytes) return {};
  const std::string_view code = CLD2::LanguageCode(language);
  // Scripts CLD2 recognises without a language ("xx-Kana") are no answer.
  if (code.empty() || code == "un" || code.starts_with("xx-")) return {};
  return iso_code(code);
}

void detect_language(Article& article, std::string_view declared) {
  article.lang = detect_language(sample_of(article), declared);
  if (article.lang.empty()) article.lang = primary_language(declared);
}

void detect_languages(std::vector<Article>& articles, std::string_view declared) {
  for (auto& a : articles) detect_language(a, declared);
}

}  // namespace newsalert::feeds
