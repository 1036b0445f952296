// RFC 3986 section 5 reference resolution.
#include "feeds/url.hpp"

#include "common/text.hpp"

#include <optional>

namespace newsalert::feeds {
namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The five components of RFC 3986 appendix B; optional ones keep "absent" apart from "empty",
// which matters for "file:///x" (empty authority) and "?" (empty query).
struct UrlParts {
  std::optional<std::string_view> scheme;
  std::optional<std::string_view> authority;
  std::string_view path;
  std::optional<std::string_view> query;
  std::optional<std::string_view> fragment;
};

std::size_t scheme_length(std::string_view s) {
  if (s.empty() || !is_alpha(s[0])) return 0;
  for (std::size_t i = 1; i < s.size(); ++i) {
    const char c = s[i];
    if (c == ':') return i;
    if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') return 0;
  }
  return 0;
}

UrlParts split(std::string_view s) {
  UrlParts p;
  if (const auto n = scheme_length(s); n > 0) {
    p.scheme = s.substr(0, n);
    s.remove_prefix(n + 1);
  }
  if (const auto hash = s.find('#'); hash != std::string_view::npos) {
    p.fragment = s.substr(hash + 1);
    s = s.substr(0, hash);
  }
  if (const auto q = s.find('?'); q != std::string_view::npos) {
    p.query = s.substr(q + 1);
    s = s.substr(0, q);
  }
  if (s.starts_with("//")) {
    s.remove_prefix(2);
    const auto slash = s.find('/');
    p.authority = s.substr(0, slash);
    s = slash == std::string_view::npos ? std::string_view{} : s.substr(slash);
  }
  p.path = s;
  return p;
}

void drop_last_segment(std::string& out) {
  const auto slash = out.rfind('/');
  out.erase(slash == std::string::npos ? 0 : slash);
}

// RFC 3986 section 5.2.4, step for step.
std::string remove_dot_segments(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  while (!in.empty()) {
    if (in.starts_with("../")) {
      in.remove_prefix(3);
    } else if (in.starts_with("./")) {
      in.remove_prefix(2);
    } else if (in.starts_with("/./")) {
      in.remove_prefix(2);
    } else if (in == "/.") {
      in = "/";
    } else if (in.starts_with("/../")) {
      in.remove_prefix(3);
      drop_last_segment(out);
    } else if (in == "/..") {
      in = "/";
      drop_last_segment(out);
    } else if (in == "." || in == "..") {
      in = {};
    } else {
      const auto end = in.find('/', in.front() == '/' ? 1 : 0);
      const auto segment = in.substr(0, end);
      out.append(segment);
      in.remove_prefix(segment.size());
    }
  }
  return out;
}

std::string merge(const UrlParts& base, std::string_view ref_path) {
  if (base.authority && base.path.empty()) return "/" + std::string(ref_path);
  const auto slash = base.path.rfind('/');
  if (slash == std::string_view::npos) return std::string(ref_path);
  return std::string(base.path.substr(0, slash + 1)).append(ref_path);
}

// File extensions that end the first segment of a relative path ("index.php/2024/post") and are no
// top-level domain anyone links to.
bool is_file_extension(std::string_view label) {
  static constexpr std::string_view extensions[] = {
      "html", "htm", "shtml", "xhtml", "php", "asp", "aspx", "jsp", "cgi", "pl", "py", "xml", "rss", "atom",
      "json", "txt", "pdf", "jpg", "jpeg", "png", "gif", "svg", "webp", "mp3", "mp4", "cfm", "do", "action"};
  const std::string lower = to_lower_ascii(label);
  for (const auto e : extensions)
    if (lower == e) return true;
  return false;
}

// "www.host/..." or "name.tld/...": a host name written without its scheme.
bool starts_with_host(std::string_view ref) {
  const auto end = ref.find_first_of("/?#");
  const auto host = ref.substr(0, end);
  if (host.size() > 4 && to_lower_ascii(host.substr(0, 4)) == "www.") return true;
  if (end == std::string_view::npos || ref[end] != '/') return false;
  const auto dot = host.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return false;
  for (const char c : host)
    if (!is_alpha(c) && !is_digit(c) && c != '.' && c != '-') return false;
  const auto tld = host.substr(dot + 1);
  if (tld.size() < 2) return false;
  for (const char c : tld)
    if (!is_alpha(c)) return false;
  return !is_file_extension(tld);
}

}  // namespace

bool is_absolute_url(std::string_view url) { return scheme_length(trim(url)) > 0; }

std::string resolve_url(std::string_view base_text, std::string_view ref_text) {
  ref_text = trim(ref_text);
  base_text = trim(base_text);
  const UrlParts ref = split(ref_text);
  if (ref.scheme) return std::string(ref_text);
  const UrlParts base = split(base_text);
  if (!base.scheme) return std::string(ref_text);

  std::optional<std::string_view> authority;
  std::string path;
  std::optional<std::string_view> query;
  if (ref.authority) {
    authority = ref.authority;
    path = remove_dot_segments(ref.path);
    query = ref.query;
  } else {
    authority = base.authority;
    if (ref.path.empty()) {
      path = std::string(base.path);
      query = ref.query ? ref.query : base.query;
    } else {
      path = remove_dot_segments(ref.path.front() == '/' ? std::string(ref.path) : merge(base, ref.path));
      query = ref.query;
    }
  }

  std::string out;
  out.reserve(base_text.size() + ref_text.size());
  out.append(*base.scheme).push_back(':');
  if (authority) out.append("//").append(*authority);
  out.append(path);
  if (query) out.append("?").append(*query);
  if (ref.fragment) out.append("#").append(*ref.fragment);
  return out;
}

std::string resolve_link(std::string_view base, std::string_view ref) {
  ref = trim(ref);
  if (!ref.empty() && scheme_length(ref) == 0 && starts_with_host(ref)) return "https://" + std::string(ref);
  return resolve_url(base, ref);
}

std::string url_origin(std::string_view url) {
  const UrlParts parts = split(trim(url));
  if (!parts.scheme || !parts.authority || parts.authority->empty()) return {};
  std::string_view authority = *parts.authority;
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  const std::string scheme = to_lower_ascii(*parts.scheme);
  std::string host = to_lower_ascii(authority);
  if ((scheme == "http" && host.ends_with(":80")) || (scheme == "https" && host.ends_with(":443")))
    host.erase(host.rfind(':'));
  return scheme + "://" + host;
}

}  // namespace newsalert::feeds
