// Charset detection with feedparser's precedence, and conversion to UTF-8 through ICU.
#include "feeds/charset.hpp"

#include "common/text.hpp"
#include "feeds/utf8.hpp"

#include <unicode/ucnv.h>

#include <array>
#include <climits>
#include <map>
#include <mutex>
#include <cstring>
#include <cstdint>
#include <memory>
#include <vector>

namespace newsalert::feeds {
namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (lower(s[i]) != prefix[i]) return false;
  return true;
}

std::size_t find_ci(std::string_view haystack, std::string_view needle, std::size_t from = 0) {
  for (std::size_t i = from; i + needle.size() <= haystack.size(); ++i)
    if (starts_with_ci(haystack.substr(i), needle)) return i;
  return std::string_view::npos;
}

// The value after name= in a parameter list or attribute soup: quoted or up to a delimiter.
std::string value_after(std::string_view text, std::size_t pos) {
  while (pos < text.size() && is_space(text[pos])) ++pos;
  if (pos < text.size() && (text[pos] == '"' || text[pos] == '\'')) {
    const char q = text[pos];
    const auto end = text.find(q, pos + 1);
    if (end == std::string_view::npos) return {};
    return to_lower_ascii(trim(text.substr(pos + 1, end - pos - 1)));
  }
  std::size_t end = pos;
  while (end < text.size() && !is_space(text[end]) && text[end] != ';' && text[end] != '"' && text[end] != '\'' &&
         text[end] != '>' && text[end] != '/')
    ++end;
  return to_lower_ascii(text.substr(pos, end - pos));
}

struct Bom {
  std::string_view charset;
  std::size_t length;
};

Bom sniff_bom(std::string_view b) {
  if (b.starts_with("\xEF\xBB\xBF")) return {"utf-8", 3};
  if (b.starts_with(std::string_view("\x00\x00\xFE\xFF", 4))) return {"utf-32be", 4};
  if (b.starts_with(std::string_view("\xFF\xFE\x00\x00", 4))) return {"utf-32le", 4};
  if (b.starts_with("\xFE\xFF")) return {"utf-16be", 2};
  if (b.starts_with("\xFF\xFE")) return {"utf-16le", 2};
  // No BOM but "<?" in a 16-bit encoding (XML 1.0 appendix F): the declaration cannot be read as ASCII.
  if (b.starts_with(std::string_view("\x00<\x00?", 4))) return {"utf-16be", 0};
  if (b.starts_with(std::string_view("<\x00?\x00", 4))) return {"utf-16le", 0};
  return {{}, 0};
}

// The encoding pseudo-attribute of an XML declaration at the start (after whitespace) of the document.
std::string xml_declared_charset(std::string_view doc) {
  std::size_t start = 0;
  while (start < doc.size() && start < 1024 && doc[start] != '<') ++start;
  doc = doc.substr(start);
  if (!doc.starts_with("<?xml")) return {};
  const auto decl = doc.substr(0, std::min(doc.find("?>"), std::size_t{512}));
  const auto pos = decl.find("encoding");
  if (pos == std::string_view::npos) return {};
  const auto eq = decl.find('=', pos);
  if (eq == std::string_view::npos) return {};
  return value_after(decl, eq + 1);
}

// <meta charset="x"> or <meta http-equiv="Content-Type" content="text/html; charset=x"> in the head.
std::string meta_charset(std::string_view doc) {
  const auto head = doc.substr(0, std::min(doc.size(), std::size_t{4096}));
  for (auto pos = find_ci(head, "<meta"); pos != std::string_view::npos; pos = find_ci(head, "<meta", pos + 5)) {
    const auto end = head.find('>', pos);
    const auto tag = head.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    if (const auto c = find_ci(tag, "charset"); c != std::string_view::npos) {
      auto eq = c + 7;
      while (eq < tag.size() && is_space(tag[eq])) ++eq;
      if (eq < tag.size() && tag[eq] == '=') {
        if (auto value = value_after(tag, eq + 1); !value.empty()) return value;
      }
    }
  }
  return {};
}

bool looks_like_html(std::string_view doc, std::string_view media_type) {
  if (media_type == "text/html" || media_type == "application/xhtml+xml") return true;
  const auto head = trim(doc.substr(0, std::min(doc.size(), std::size_t{512})));
  return starts_with_ci(head, "<!doctype html") || starts_with_ci(head, "<html");
}

// Length of the valid UTF-8 sequence starting at p[0], of which `left` bytes are available, or 0 when it
// is invalid (overlong, surrogate, > U+10FFFF, truncated). Inline and pointer-based: it runs once per
// non-ASCII character of every document.
inline std::size_t utf8_sequence(const unsigned char* p, std::size_t left) {
  const unsigned b0 = p[0];
  const auto cont = [&](std::size_t k) { return k < left && (p[k] & 0xC0) == 0x80; };
  if (b0 < 0x80) return 1;
  if (b0 < 0xC2) return 0;
  if (b0 <= 0xDF) return cont(1) ? 2 : 0;
  if (b0 <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if ((b0 == 0xE0 && p[1] < 0xA0) || (b0 == 0xED && p[1] > 0x9F)) return 0;
    return 3;
  }
  if (b0 <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if ((b0 == 0xF0 && p[1] < 0x90) || (b0 == 0xF4 && p[1] > 0x8F)) return 0;
    return 4;
  }
  return 0;
}

bool is_bad_control(unsigned char c) { return c < 0x20 && c != '\t' && c != '\n' && c != '\r'; }

// Eight bytes of printable ASCII (none with the high bit set, none below 0x20) at p.
inline bool printable_ascii8(const unsigned char* p) {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  constexpr std::uint64_t high = 0x8080808080808080ULL;
  return ((w & high) | ((w - 0x2020202020202020ULL) & ~w & high)) == 0;
}

struct Counts {
  std::size_t invalid = 0;
  std::size_t controls = 0;
};

// Copies UTF-8 text, replacing invalid sequences with U+FFFD and dropping the C0 controls XML forbids
// (vertical tab and form feed become spaces).
// The common case (valid, no controls) is one scan and one copy.
std::string clean_utf8(std::string_view text, Counts& counts) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  std::string out;
  out.reserve(size);
  std::size_t run = 0;  // start of the pending run of good bytes
  std::size_t i = 0;
  while (i < size) {
    const unsigned char c = s[i];
    if (c >= 0x80) {
      // With four bytes left, a constant `left` lets the compiler drop utf8_sequence's bounds checks.
      if (const auto n = size - i >= 4 ? utf8_sequence(s + i, 4) : utf8_sequence(s + i, size - i); n != 0) {
        i += n;
        continue;
      }
      out.append(text.substr(run, i - run));
      out.append("\xEF\xBF\xBD");
      ++counts.invalid;
      // Skip the lead byte and any continuation bytes that belonged to the broken sequence.
      ++i;
      while (i < size && (s[i] & 0xC0) == 0x80) ++i;
      run = i;
      continue;
    }
    if (c >= 0x20 || !is_bad_control(c)) {
      ++i;
      // Printable ASCII tends to come in runs (markup, English text): skip it eight bytes at a time.
      while (i + 8 <= size && printable_ascii8(s + i)) i += 8;
      continue;
    }
    out.append(text.substr(run, i - run));
    // Vertical tab and form feed separate words; the other controls are noise inside them.
    if (c == '\v' || c == '\f') out.push_back(' ');
    ++counts.controls;
    run = ++i;
  }
  out.append(text.substr(run));
  return out;
}

bool is_valid_utf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  for (std::size_t i = 0; i < text.size();) {
    const auto n = utf8_sequence(s + i, text.size() - i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// Labels whose real-world content is a superset charset.
std::string canonical_label(std::string label) {
  if (label == "iso-8859-1" || label == "iso8859-1" || label == "latin1" || label == "latin-1" || label == "l1" ||
      label == "iso_8859-1" || label == "cp819" || label == "ibm819")
    return "windows-1252";
  if (label == "gb2312" || label == "gbk" || label == "x-gbk" || label == "cp936") return "gb18030";
  if (label == "utf8") return "utf-8";
  if (label == "ascii" || label == "us-ascii" || label == "ansi_x3.4-1968") return "us-ascii";
  if (label == "sjis" || label == "x-sjis" || label == "ms_kanji") return "shift_jis";
  return label;
}

bool is_utf16_or_32(std::string_view label) { return label.starts_with("utf-16") || label.starts_with("utf-32") ||
                                                     label == "ucs-2" || label == "ucs-4"; }

struct ConverterCloser {
  void operator()(UConverter* c) const { ucnv_close(c); }
};

// ICU's UTF-16 as UTF-8, treated as clean_utf8 treats text and with U+FFFD counted as count_replacements
// counts it, in one pass. An unpaired surrogate becomes U+FFFD, which is what ICU's own UTF-8 converter
// substitutes for it.
std::string utf16_to_clean_utf8(const UChar* units, std::size_t n, Counts& counts) {
  std::string out(n * 3, '\0');  // a UTF-16 unit is at most three UTF-8 bytes; a pair is four
  char* o = out.data();
  for (std::size_t i = 0; i < n; ++i) {
    char32_t cp = units[i];
    if (cp < 0x80) {
      if (!is_bad_control(static_cast<unsigned char>(cp))) {
        *o++ = static_cast<char>(cp);
        continue;
      }
      ++counts.controls;
      // Vertical tab and form feed separate words; the other controls are noise inside them.
      if (cp == '\v' || cp == '\f') *o++ = ' ';
      continue;
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) {
      if (cp <= 0xDBFF && i + 1 < n && units[i + 1] >= 0xDC00 && units[i + 1] <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (units[i + 1] - 0xDC00);
        ++i;
      } else {
        cp = 0xFFFD;
      }
    }
    if (cp == 0xFFFD) ++counts.invalid;
    o = write_utf8(o, cp);
  }
  out.resize(static_cast<std::size_t>(o - out.data()));
  return out;
}

// Converts with ICU, cleaned and counted as above; false when ICU does not know the label. Bytes the
// charset does not define become U+FFFD, ICU's default substitution. ICU's UTF-8 converter is not used:
// this one pass from UTF-16 costs less than it.
bool icu_to_utf8(std::string_view bytes, const std::string& charset, std::string& out, Counts& counts) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, ConverterCloser> from(ucnv_open(charset.c_str(), &status));
  if (U_FAILURE(status) || !from) return false;
  // One byte is at most one UTF-16 unit for every charset ICU has, but the size ICU asks for is trusted.
  std::vector<UChar> units(bytes.size() + 16);
  for (int attempt = 0; attempt < 2; ++attempt) {
    status = U_ZERO_ERROR;
    const int32_t length = ucnv_toUChars(from.get(), units.data(), static_cast<int32_t>(units.size()), bytes.data(),
                                         static_cast<int32_t>(bytes.size()), &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) {
      units.resize(static_cast<std::size_t>(length) + 1);
      continue;
    }
    if (U_FAILURE(status)) return false;
    out = utf16_to_clean_utf8(units.data(), static_cast<std::size_t>(length), counts);
    return true;
  }
  return false;
}

// Converters substitute U+FFFD for bytes the charset does not define: those are the invalid ones.
std::size_t count_replacements(std::string_view text) {
  std::size_t n = 0;
  for (auto p = text.find("\xEF\xBF\xBD"); p != std::string_view::npos; p = text.find("\xEF\xBF\xBD", p + 3)) ++n;
  return n;
}

// Single-byte charsets (windows-125x, ISO-8859-x, KOI8) are most legacy feeds. ICU converts through
// UTF-16 one call at a time; a 256-entry table of UTF-8 sequences, built once per charset from ICU
// itself, does the same work several times faster. The entries are stored already cleaned the way
// clean_utf8 would clean the converted text (ICU's UTF-8 is valid, so only C0 controls change), with what
// that cleaning counts, so a document takes one pass instead of convert, clean and count.
struct ByteTable {
  std::array<std::array<char, 4>, 256> utf8{};
  std::array<std::uint8_t, 256> length{};
  std::array<bool, 256> counted{};        // the byte is a replaced control or an undefined byte (U+FFFD)
  std::array<std::uint8_t, 256> controls{};
  std::array<std::uint8_t, 256> replacements{};
  std::size_t max_length = 1;
  bool ascii_identity = false;  // printable ASCII (0x20..0x7F) maps to itself, as in every charset but EBCDIC
};

// Fills entry b from the UTF-8 ICU gave for it.
void set_entry(ByteTable& table, int b, std::string_view converted) {
  Counts counts;
  std::string clean = clean_utf8(converted, counts);
  if (clean.size() > 4) clean = "\xEF\xBF\xBD";  // not one code point: ICU's output is never this
  const std::size_t replacements = count_replacements(clean);
  std::memcpy(table.utf8[b].data(), clean.data(), clean.size());
  table.length[b] = static_cast<std::uint8_t>(clean.size());
  table.controls[b] = static_cast<std::uint8_t>(counts.controls);
  table.replacements[b] = static_cast<std::uint8_t>(replacements);
  table.counted[b] = counts.controls != 0 || replacements != 0;
  table.max_length = std::max(table.max_length, clean.size());
}

const ByteTable* single_byte_table(const std::string& charset) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<ByteTable>> tables;
  const std::lock_guard lock(mutex);
  if (const auto it = tables.find(charset); it != tables.end()) return it->second.get();
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, ConverterCloser> conv(ucnv_open(charset.c_str(), &status));
  std::unique_ptr<ByteTable> table;
  if (U_SUCCESS(status) && conv && ucnv_getMaxCharSize(conv.get()) == 1 && ucnv_getType(conv.get()) == UCNV_SBCS) {
    table = std::make_unique<ByteTable>();
    for (int b = 0; b < 256; ++b) {
      const char in = static_cast<char>(b);
      char out[8];
      status = U_ZERO_ERROR;
      const int32_t n = ucnv_convert("UTF-8", charset.c_str(), out, sizeof out, &in, 1, &status);
      if (U_FAILURE(status) || n <= 0 || n > 4) set_entry(*table, b, "\xEF\xBF\xBD");
      else set_entry(*table, b, std::string_view(out, static_cast<std::size_t>(n)));
    }
    table->ascii_identity = true;
    for (int b = 0x20; b < 0x80; ++b)
      if (table->length[b] != 1 || table->utf8[b][0] != static_cast<char>(b)) table->ascii_identity = false;
  }
  return tables.emplace(charset, std::move(table)).first->second.get();
}

// The same text and counts as clean_utf8 over the converted bytes plus count_replacements.
std::string table_to_utf8(std::string_view bytes, const ByteTable& table, Counts& counts) {
  // Four bytes of slack: every entry is copied as four bytes and the end moved by its real length.
  std::string out(bytes.size() * table.max_length + 4, '\0');
  char* o = out.data();
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* end = p + bytes.size();
  while (p != end) {
    // Markup and spaces are printable ASCII, copied eight bytes at a time when the charset keeps them.
    if (table.ascii_identity && end - p >= 8 && printable_ascii8(p)) {
      std::memcpy(o, p, 8);
      o += 8;
      p += 8;
      continue;
    }
    const unsigned char b = *p++;
    std::memcpy(o, table.utf8[b].data(), 4);
    o += table.length[b];
    if (table.counted[b]) [[unlikely]] {
      counts.controls += table.controls[b];
      counts.invalid += table.replacements[b];
    }
  }
  out.resize(static_cast<std::size_t>(o - out.data()));
  return out;
}


void add_warning(std::string& warning, const std::string& text) {
  if (!warning.empty()) warning += "; ";
  warning += text;
}

}  // namespace

std::string media_type_of(std::string_view content_type) {
  const auto semi = content_type.find(';');
  return to_lower_ascii(trim(content_type.substr(0, semi)));
}

std::string charset_of(std::string_view content_type) {
  const auto semi = content_type.find(';');
  if (semi == std::string_view::npos) return {};
  const auto params = content_type.substr(semi);
  const auto pos = find_ci(params, "charset");
  if (pos == std::string_view::npos) return {};
  auto eq = pos + 7;
  while (eq < params.size() && is_space(params[eq])) ++eq;
  if (eq >= params.size() || params[eq] != '=') return {};
  return value_after(params, eq + 1);
}

DecodedDocument decode_document(std::string_view bytes, std::string_view content_type) {
  DecodedDocument doc;
  const Bom bom = sniff_bom(bytes);
  std::string label;
  if (!bom.charset.empty()) {
    label = bom.charset;
    doc.source = "bom";
    bytes.remove_prefix(bom.length);
  } else if (auto http = canonical_label(charset_of(content_type)); !http.empty()) {
    label = std::move(http);
    doc.source = "http";
  } else if (auto xml = canonical_label(xml_declared_charset(bytes)); !xml.empty()) {
    label = std::move(xml);
    doc.source = "xml";
  } else if (looks_like_html(bytes, media_type_of(content_type))) {
    label = canonical_label(meta_charset(bytes));
    doc.source = label.empty() ? "default" : "meta";
  } else {
    doc.source = "default";
  }
  // A 16/32-bit label on a document whose declaration we just read as ASCII is wrong; the bytes decide.
  if (doc.source != "bom" && is_utf16_or_32(label)) label.clear();
  if (label.empty()) label = "utf-8";
  if (label == "us-ascii") label = is_valid_utf8(bytes) ? "utf-8" : "windows-1252";

  Counts counts;
  if (label == "utf-8") {
    doc.text = clean_utf8(bytes, counts);
    // Nothing named a charset and the bytes are not UTF-8: windows-1252, as browsers read such pages
    // (a superset of Latin-1), rather than a U+FFFD for every accented letter.
    if (counts.invalid != 0 && doc.source == "default") {
      counts = {};
      label = "windows-1252";
      doc.text = table_to_utf8(bytes, *single_byte_table(label), counts);
      add_warning(doc.warning, "no charset declared and the bytes are not UTF-8: read as windows-1252");
    }
  } else {
    if (const ByteTable* table = single_byte_table(label)) {
      doc.text = table_to_utf8(bytes, *table, counts);
    } else if (bytes.size() < INT_MAX / 4 && icu_to_utf8(bytes, label, doc.text, counts)) {
    } else {
      add_warning(doc.warning, "unknown charset '" + label + "', read as UTF-8");
      label = "utf-8";
      doc.text = clean_utf8(bytes, counts);
    }
  }
  doc.charset = label;
  if (counts.invalid != 0)
    add_warning(doc.warning, std::to_string(counts.invalid) + " invalid byte sequence(s) in " + label + " replaced");
  if (counts.controls != 0)
    add_warning(doc.warning, std::to_string(counts.controls) + " control character(s) removed");
  return doc;
}

}  // namespace newsalert::feeds
