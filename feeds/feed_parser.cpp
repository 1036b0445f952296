// Reads RSS 0.9x/2.0, RSS 1.0 (RDF) and Atom 0.3/1.0 with pugixml and normalizes entries into Articles.
#include "feeds/feed_parser.hpp"

#include "common/text.hpp"
#include "feeds/date_parser.hpp"
#include "feeds/html_text.hpp"
#include "feeds/url.hpp"
#include "feeds/xml_shape.hpp"

#include <pugixml.hpp>
#include <unicode/ucnv.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <exception>
#include <optional>

namespace newsalert::feeds {
namespace {

// The vocabularies we read. Elements are recognised by namespace URI, never by prefix, because feeds
// choose their own prefixes; RSS 2.0 elements have no namespace at all.
enum class Ns { none, atom, atom03, rss10, rss090, rss_userland, rdf, dc, dcterms, content, other };

Ns classify_uri(std::string_view uri) {
  if (uri.empty()) return Ns::none;
  if (uri == "http://www.w3.org/2005/Atom") return Ns::atom;
  if (uri == "http://purl.org/atom/ns#") return Ns::atom03;
  if (uri == "http://purl.org/rss/1.0/") return Ns::rss10;
  if (uri == "http://my.netscape.com/rdf/simple/0.9/") return Ns::rss090;
  if (uri == "http://backend.userland.com/rss2" || uri == "http://blogs.law.harvard.edu/tech/rss")
    return Ns::rss_userland;
  if (uri == "http://www.w3.org/1999/02/22-rdf-syntax-ns#") return Ns::rdf;
  if (uri == "http://purl.org/dc/elements/1.1/") return Ns::dc;
  if (uri == "http://purl.org/dc/terms/") return Ns::dcterms;
  if (uri == "http://purl.org/rss/1.0/modules/content/") return Ns::content;
  return Ns::other;
}

// Feeds that use a prefix without declaring it are common enough to forgive for the usual prefixes.
Ns guess_from_prefix(std::string_view prefix) {
  if (prefix == "atom") return Ns::atom;
  if (prefix == "dc") return Ns::dc;
  if (prefix == "dcterms") return Ns::dcterms;
  if (prefix == "content") return Ns::content;
  if (prefix == "rdf") return Ns::rdf;
  return Ns::other;
}

// The plain RSS vocabulary: no namespace (0.9x/2.0), RSS 1.0, RSS 0.90 or the old userland URIs.
bool is_rss_core(Ns ns) {
  return ns == Ns::none || ns == Ns::rss10 || ns == Ns::rss090 || ns == Ns::rss_userland;
}

bool is_atom(Ns ns) { return ns == Ns::atom || ns == Ns::atom03; }

Ns resolve_prefix(pugi::xml_node scope, std::string_view prefix) {
  std::string attr = prefix.empty() ? std::string("xmlns") : "xmlns:" + std::string(prefix);
  for (auto p = scope; p && p.type() == pugi::node_element; p = p.parent())
    if (const auto a = p.attribute(attr.c_str())) return classify_uri(a.value());
  return prefix.empty() ? Ns::none : guess_from_prefix(prefix);
}

struct QName {
  Ns ns;
  std::string_view local;
};

QName qname(pugi::xml_node node) {
  const std::string_view name = node.name();
  const auto colon = name.find(':');
  if (colon == std::string_view::npos) {
    const Ns ns = resolve_prefix(node, {});
    // An unknown default namespace is read as "none" so RSS 2.0 feeds that declare one still parse.
    return {ns == Ns::other ? Ns::none : ns, name};
  }
  return {resolve_prefix(node, name.substr(0, colon)), name.substr(colon + 1)};
}

// Looks up an attribute by namespace and local name (rdf:about, whatever the prefix).
pugi::xml_attribute attribute_ns(pugi::xml_node node, Ns ns, std::string_view local) {
  for (const auto a : node.attributes()) {
    const std::string_view name = a.name();
    const auto colon = name.find(':');
    if (colon == std::string_view::npos) continue;
    if (name.substr(colon + 1) == local && resolve_prefix(node, name.substr(0, colon)) == ns) return a;
  }
  return {};
}

void collect_text(pugi::xml_node node, std::string& out) {
  for (const auto child : node.children()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) out.append(child.value());
    else if (child.type() == pugi::node_element) collect_text(child, out);
  }
}

// All text below the node, whitespace collapsed: for ids, links and other non-HTML values.
std::string plain_text(pugi::xml_node node) {
  std::string raw;
  collect_text(node, raw);
  return collapse_whitespace(raw);
}

struct StringWriter : pugi::xml_writer {
  std::string& out;
  explicit StringWriter(std::string& o) : out(o) {}
  void write(const void* data, size_t size) override { out.append(static_cast<const char*>(data), size); }
};

// The HTML source an element carries: escaped or CDATA text as is, and unescaped child elements
// (invalid in RSS, frequent anyway; required for Atom xhtml) serialized back to markup.
std::string markup(pugi::xml_node node) {
  std::string out;
  StringWriter writer(out);
  for (const auto child : node.children()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) out.append(child.value());
    else if (child.type() == pugi::node_element) child.print(writer, "", pugi::format_raw);
  }
  return out;
}

std::string html_text_of(pugi::xml_node node) { return html_to_text(markup(node)); }

// Atom text constructs (type text/html/xhtml) and their Atom 0.3 spelling (MIME type + mode).
std::string atom_text(pugi::xml_node node) {
  const std::string type = to_lower_ascii(node.attribute("type").value());
  const std::string_view mode = node.attribute("mode").value();
  const bool html = type.find("html") != std::string::npos;
  if (mode == "base64") {
    std::string raw;
    collect_text(node, raw);
    std::string decoded;
    if (!base64_decode(raw, decoded)) return {};
    return html ? html_to_text(decoded) : collapse_whitespace(decoded);
  }
  if (html || mode == "xml") return html_text_of(node);
  if (type.empty() || type == "text" || type.starts_with("text/")) return plain_text(node);
  return {};  // some other media type: nothing we can show as text
}

std::string xml_error(const pugi::xml_parse_result& result) {
  return std::string("XML error at offset ") + std::to_string(result.offset) + ": " + result.description();
}

void add_unique(std::vector<std::string>& list, std::string value) {
  if (value.empty() || std::find(list.begin(), list.end(), value) != list.end()) return;
  list.push_back(std::move(value));
}

// RSS <author> is "email (Name)" by the spec; the name is what people want to read.
std::string rss_author(std::string text) {
  if (text.size() > 2 && text.back() == ')') {
    const auto open = text.find('(');
    if (open != std::string::npos && text.substr(0, open).find('@') != std::string::npos) {
      const auto name = collapse_whitespace(std::string_view(text).substr(open + 1, text.size() - open - 2));
      if (!name.empty()) return name;
    }
  }
  return text;
}

// RSS 2.0 <ttl>: whole minutes; anything else (empty, negative, text) is ignored.
std::optional<Millis> channel_ttl(pugi::xml_node ttl) {
  const std::string text = collapse_whitespace(ttl.text().get());
  long long minutes = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), minutes);
  if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size() || minutes <= 0 ||
      minutes > 366LL * 24 * 60)
    return std::nullopt;
  return Millis(minutes * 60'000);
}

bool looks_like_web_url(std::string_view s) { return s.starts_with("http://") || s.starts_with("https://"); }

// Atom link choice: rel="alternate" (or no rel) wins; links that are not the entry's page never do.
struct AtomLinkPicker {
  std::string best;
  std::string fallback;
  void offer(std::string_view rel, std::string href) {
    if (href.empty()) return;
    if (rel.empty() || rel == "alternate") {
      if (best.empty()) best = std::move(href);
    } else if (rel != "self" && rel != "edit" && rel != "enclosure" && rel != "replies" && rel != "license" &&
               rel != "hub" && rel != "next" && rel != "previous" && rel != "first" && rel != "last") {
      if (fallback.empty()) fallback = std::move(href);
    }
  }
  std::string take() { return best.empty() ? std::move(fallback) : std::move(best); }
};

// The raw material of one entry before identity and fallbacks are settled.
struct EntryDraft {
  std::string id;
  std::string title;
  std::string link;
  std::string permalink_guid;  // an RSS guid usable as the link when <link> is missing
  std::string date_text;       // for the hash identity of entries without id or link
  std::optional<TimePoint> published;
  std::optional<TimePoint> updated;
  std::vector<std::string> authors;
  std::vector<std::string> categories;
  std::string summary;
  std::string content;

  void set_published(pugi::xml_node node, bool overrides) {
    const auto text = plain_text(node);
    if (published && !overrides) return;
    if (const auto t = parse_date(text)) {
      published = t;
      date_text = text;
    }
  }
  void set_updated(pugi::xml_node node) {
    const auto text = plain_text(node);
    if (updated) return;
    if (const auto t = parse_date(text)) {
      updated = t;
      if (date_text.empty()) date_text = text;
    }
  }
};

class FeedReader {
 public:
  FeedReader(const std::string& base_url, ParsedFeed& feed, const ParseLimits& limits)
      : base_url_(base_url), feed_(feed), limits_(limits) {
    item_base_ = is_absolute_url(base_url) ? base_url : std::string();
  }

  // Elements still open where a damaged document stopped: their entries are cut short and are skipped,
  // because an article stored half-read would never be replaced by its complete version (same id).
  void set_unfinished(std::vector<pugi::xml_node> nodes) { unfinished_ = std::move(nodes); }

  void read_rss(pugi::xml_node root) {
    feed_.format = FeedFormat::rss;
    pugi::xml_node channel;
    for (const auto child : root.children())
      if (child.type() == pugi::node_element && is_rss_core(qname(child).ns) && qname(child).local == "channel")
        channel = child;
    if (channel) read_channel(channel);
    // RSS 0.9x puts items in <channel>; a few feeds put them directly under <rss>.
    for (const auto parent : {channel, root}) {
      if (!parent) continue;
      for (const auto child : parent.children()) {
        if (child.type() != pugi::node_element) continue;
        const auto q = qname(child);
        if (is_rss_core(q.ns) && q.local == "item") read_rss_item(child);
      }
    }
  }

  void read_rdf(pugi::xml_node root) {
    feed_.format = FeedFormat::rdf;
    for (const auto child : root.children()) {
      if (child.type() != pugi::node_element) continue;
      const auto q = qname(child);
      if (!is_rss_core(q.ns)) continue;
      if (q.local == "channel") read_channel(child);
    }
    for (const auto child : root.children()) {
      if (child.type() != pugi::node_element) continue;
      const auto q = qname(child);
      if (is_rss_core(q.ns) && q.local == "item") read_rss_item(child);
    }
  }

  void read_atom(pugi::xml_node root) {
    feed_.format = FeedFormat::atom;
    AtomLinkPicker home;
    std::vector<std::string> feed_authors;
    for (const auto child : root.children()) {
      if (child.type() != pugi::node_element) continue;
      const auto q = qname(child);
      if (!is_atom(q.ns) && q.ns != Ns::none) continue;
      if (q.local == "title") feed_.title = atom_text(child);
      else if (q.local == "link") home.offer(child.attribute("rel").value(), link_href(child));
      else if (q.local == "author") add_unique(feed_authors, atom_person(child));
    }
    feed_.link = home.take();
    settle_item_base();
    for (const auto child : root.children()) {
      if (child.type() != pugi::node_element) continue;
      const auto q = qname(child);
      if ((is_atom(q.ns) || q.ns == Ns::none) && q.local == "entry") read_atom_entry(child, feed_authors);
    }
  }

 private:
  // The base a relative reference inside node resolves against: the document URL refined by every
  // xml:base on the way down. When the document came from a file, the feed's home page stands in.
  std::string base_for(pugi::xml_node node) const {
    std::vector<const char*> bases;
    for (auto p = node; p && p.type() == pugi::node_element; p = p.parent())
      if (const auto a = p.attribute("xml:base")) bases.push_back(a.value());
    std::string base = item_base_.empty() ? base_url_ : item_base_;
    for (auto it = bases.rbegin(); it != bases.rend(); ++it) base = resolve_url(base, *it);
    return base;
  }

  std::string resolve(pugi::xml_node node, std::string_view ref) const {
    if (trim(ref).empty()) return {};
    return resolve_url(base_for(node), ref);
  }

  std::string link_href(pugi::xml_node link) const {
    const char* href = link.attribute("href").value();
    if (*href == '\0') return resolve(link, plain_text(link));  // Atom 0.3 feeds in the wild
    return resolve(link, href);
  }

  void settle_item_base() {
    if (item_base_.empty() && is_absolute_url(feed_.link)) item_base_ = feed_.link;
  }

  void read_channel(pugi::xml_node channel) {
    for (const auto child : channel.children()) {
      if (child.type() != pugi::node_element) continue;
      const auto q = qname(child);
      if (is_rss_core(q.ns)) {
        if (q.local == "title" && feed_.title.empty()) feed_.title = html_text_of(child);
        else if (q.local == "link" && feed_.link.empty()) feed_.link = resolve(child, plain_text(child));
        else if (q.local == "ttl") feed_.ttl = channel_ttl(child);
      } else if (q.ns == Ns::dc && q.local == "title" && feed_.title.empty()) {
        feed_.title = html_text_of(child);
      }
    }
    settle_item_base();
  }

  bool is_unfinished(pugi::xml_node node) const {
    return std::find(unfinished_.begin(), unfinished_.end(), node) != unfinished_.end();
  }

  void read_rss_item(pugi::xml_node item) {
    if (is_unfinished(item)) return;
    EntryDraft d;
    std::string guid;
    std::string dc_title;
    std::string dc_description;
    std::string atom_link;
    if (const auto about = attribute_ns(item, Ns::rdf, "about")) guid = collapse_whitespace(about.value());
    for (const auto child : item.children()) {
      if (child.type() != pugi::node_element) continue;
      const auto q = qname(child);
      const auto l = q.local;
      if (is_rss_core(q.ns)) {
        if (l == "title") d.title = html_text_of(child);
        else if (l == "link" && d.link.empty()) d.link = resolve(child, plain_text(child));
        else if (l == "guid") {
          guid = plain_text(child);
          const std::string_view permalink = child.attribute("isPermaLink").value();
          // isPermaLink defaults to true, but only a web address can stand in for a missing link.
          if (permalink != "false" && looks_like_web_url(guid)) d.permalink_guid = guid;
        } else if (l == "description") d.summary = html_text_of(child);
        else if (l == "pubDate") d.set_published(child, true);
        else if (l == "author") add_unique(d.authors, rss_author(plain_text(child)));
        else if (l == "category") add_unique(d.categories, plain_text(child));
      } else if (q.ns == Ns::dc) {
        if (l == "creator" || l == "contributor") add_unique(d.authors, plain_text(child));
        else if (l == "subject") add_unique(d.categories, plain_text(child));
        else if (l == "date") d.set_published(child, false);
        else if (l == "title") dc_title = html_text_of(child);
        else if (l == "description") dc_description = html_text_of(child);
      } else if (q.ns == Ns::dcterms) {
        if (l == "issued" || l == "created" || l == "date") d.set_published(child, false);
        else if (l == "modified") d.set_updated(child);
      } else if (q.ns == Ns::content && l == "encoded") {
        d.content = html_text_of(child);
      } else if (is_atom(q.ns)) {
        if (l == "link") {
          const std::string_view rel = child.attribute("rel").value();
          if ((rel.empty() || rel == "alternate") && atom_link.empty()) atom_link = link_href(child);
        } else if (l == "updated" || l == "modified") d.set_updated(child);
        else if (l == "published" || l == "issued") d.set_published(child, false);
      }
    }
    if (d.title.empty()) d.title = std::move(dc_title);
    if (d.summary.empty()) d.summary = std::move(dc_description);
    if (d.link.empty()) d.link = std::move(atom_link);
    if (d.link.empty() && !d.permalink_guid.empty()) d.link = resolve(item, d.permalink_guid);
    d.id = std::move(guid);
    finish(std::move(d));
  }

  std::string atom_person(pugi::xml_node person) const {
    std::string email;
    for (const auto child : person.children()) {
      if (child.type() != pugi::node_element) continue;
      const auto q = qname(child);
      if (q.local == "name") {
        if (auto name = plain_text(child); !name.empty()) return name;
      } else if (q.local == "email") {
        email = plain_text(child);
      }
    }
    return email;
  }

  void read_atom_entry(pugi::xml_node entry, const std::vector<std::string>& feed_authors) {
    if (is_unfinished(entry)) return;
    EntryDraft d;
    AtomLinkPicker links;
    for (const auto child : entry.children()) {
      if (child.type() != pugi::node_element) continue;
      const auto q = qname(child);
      const auto l = q.local;
      if (is_atom(q.ns) || q.ns == Ns::none) {
        if (l == "id") d.id = plain_text(child);
        else if (l == "title") d.title = atom_text(child);
        else if (l == "link") links.offer(child.attribute("rel").value(), link_href(child));
        else if (l == "published" || l == "issued" || l == "created") d.set_published(child, l == "published");
        else if (l == "updated" || l == "modified") d.set_updated(child);
        else if (l == "author") add_unique(d.authors, atom_person(child));
        else if (l == "category") {
          std::string term = collapse_whitespace(child.attribute("term").value());
          add_unique(d.categories, term.empty() ? collapse_whitespace(child.attribute("label").value()) : term);
        } else if (l == "summary") d.summary = atom_text(child);
        else if (l == "content" && child.attribute("src").empty()) d.content = atom_text(child);
      } else if (q.ns == Ns::dc) {
        if (l == "creator") add_unique(d.authors, plain_text(child));
        else if (l == "subject") add_unique(d.categories, plain_text(child));
        else if (l == "date") d.set_published(child, false);
      }
    }
    // An entry without its own author inherits the feed's (RFC 4287 section 4.2.1).
    if (d.authors.empty()) d.authors = feed_authors;
    d.link = links.take();
    finish(std::move(d));
  }

 public:
  // Entries read past limits.max_entries.
  std::size_t dropped() const { return dropped_; }

 private:
  void finish(EntryDraft d) {
    if (d.summary.empty()) d.summary = d.content;
    if (d.title.empty() && d.link.empty() && d.summary.empty() && d.id.empty()) return;  // nothing to alert on
    if (feed_.articles.size() >= limits_.max_entries) {
      ++dropped_;
      return;
    }
    for (std::string* field : {&d.id, &d.title, &d.link, &d.summary, &d.content})
      truncate_utf8(*field, limits_.max_field_bytes);
    for (auto* list : {&d.authors, &d.categories})
      for (auto& value : *list) truncate_utf8(value, limits_.max_field_bytes);
    Article a;
    a.feed_url = base_url_;
    a.feed_title = feed_.title;
    // Identity must never be empty: dedupe in the store keys on it.
    if (!d.id.empty()) a.id = std::move(d.id);
    else if (!d.link.empty()) a.id = d.link;
    else a.id = sha256_hex(d.title + '\n' + d.date_text + '\n' + d.summary);
    a.title = std::move(d.title);
    a.link = std::move(d.link);
    a.published = d.published;
    a.updated = d.updated;
    a.authors = std::move(d.authors);
    a.categories = std::move(d.categories);
    a.summary = std::move(d.summary);
    a.content = std::move(d.content);
    feed_.articles.push_back(std::move(a));
  }

  const std::string& base_url_;
  ParsedFeed& feed_;
  const ParseLimits& limits_;
  std::size_t dropped_ = 0;
  std::string item_base_;
  std::vector<pugi::xml_node> unfinished_;
};

// pugixml stops at the first error, so the open elements are the path down to the last node it built.
std::vector<pugi::xml_node> open_elements(const pugi::xml_document& doc) {
  std::vector<pugi::xml_node> path;
  for (auto n = doc.last_child(); n; n = n.last_child())
    if (n.type() == pugi::node_element) path.push_back(n);
  return path;
}

// The encoding named in the XML declaration, if the document starts with one.
std::string declared_encoding(std::string_view doc) {
  if (!doc.starts_with("<?xml")) return {};
  const auto decl = doc.substr(0, doc.find("?>"));
  auto pos = decl.find("encoding");
  if (pos == std::string_view::npos) return {};
  pos = decl.find_first_of("\"'", pos);
  if (pos == std::string_view::npos) return {};
  const auto end = decl.find(decl[pos], pos + 1);
  if (end == std::string_view::npos) return {};
  return to_lower_ascii(trim(decl.substr(pos + 1, end - pos - 1)));
}

// pugixml knows only the UTF family and Latin-1. Everything else goes through ICU into UTF-8. Latin-1
// labels go too, as Windows-1252: that is what such feeds really contain (curly quotes at 0x92).
std::optional<std::string> convert_to_utf8(std::string_view doc) {
  const std::string label = declared_encoding(doc);
  if (label.empty() || label == "utf-8" || label == "utf8" || label == "us-ascii" || label == "ascii" ||
      label.starts_with("utf-16") || label.starts_with("utf-32"))
    return std::nullopt;
  if (doc.size() > INT_MAX / 4) return std::nullopt;
  const bool latin1 = label == "iso-8859-1" || label == "latin1" || label == "iso8859-1" || label == "l1";
  const char* from = latin1 ? "windows-1252" : label.c_str();
  UErrorCode status = U_ZERO_ERROR;
  const auto source_length = static_cast<int32_t>(doc.size());
  const int32_t needed = ucnv_convert("UTF-8", from, nullptr, 0, doc.data(), source_length, &status);
  if (status != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(status)) return std::nullopt;
  std::string out(static_cast<std::size_t>(needed), '\0');
  status = U_ZERO_ERROR;
  ucnv_convert("UTF-8", from, out.data(), needed, doc.data(), source_length, &status);
  if (U_FAILURE(status)) return std::nullopt;
  return out;
}

ParsedFeed parse(std::string_view document, const std::string& base_url, const ParseLimits& limits) {
  ParsedFeed feed;
  // Servers and generators often emit blank lines before the XML declaration, which XML forbids.
  const bool has_bom = document.starts_with("\xEF\xBB\xBF") || document.starts_with("\xFE\xFF") ||
                       document.starts_with("\xFF\xFE");
  if (!has_bom) document = trim(document);
  if (document.empty()) {
    feed.error = "empty document";
    return feed;
  }

  pugi::xml_document doc;
  // parse_default never expands external entities (pugixml has no DTD processing), so no XXE.
  constexpr unsigned options = pugi::parse_default | pugi::parse_declaration;
  pugi::xml_parse_result result;
  if (const auto utf8 = has_bom ? std::nullopt : convert_to_utf8(document))
    result = doc.load_buffer(utf8->data(), utf8->size(), options, pugi::encoding_utf8);
  else
    result = doc.load_buffer(document.data(), document.size(), options, pugi::encoding_auto);

  // A failed parse still leaves the tree read so far, so a truncated feed keeps its complete items.
  const auto root = doc.document_element();
  if (!root) {
    feed.error = result ? "not a feed: no root element" : "not a feed: " + xml_error(result);
    return feed;
  }
  // Before anything below walks the tree (some of it recursively).
  if (const std::string problem = xml_shape_problem(doc, limits); !problem.empty()) {
    feed.error = "refused: " + problem;
    return feed;
  }
  const auto q = qname(root);
  FeedReader reader(base_url, feed, limits);
  if (!result) reader.set_unfinished(open_elements(doc));
  if (q.local == "rss" && is_rss_core(q.ns)) reader.read_rss(root);
  else if (q.local == "RDF" && (q.ns == Ns::rdf || q.ns == Ns::none)) reader.read_rdf(root);
  else if (q.local == "feed" && (is_atom(q.ns) || q.ns == Ns::none)) reader.read_atom(root);
  else {
    feed.error = std::string("not a feed: root element <") + root.name() + ">";
    if (!result) feed.error += " (" + xml_error(result) + ")";
    return feed;
  }
  if (!result) {
    if (feed.articles.empty()) feed.error = "malformed feed: " + xml_error(result);
    else feed.warning = "malformed feed, kept the entries before the damage: " + xml_error(result);
  }
  if (reader.dropped() > 0)
    feed.warning += (feed.warning.empty() ? "" : "; ") + std::string("kept the first ") +
                    std::to_string(limits.max_entries) + " entries, dropped " + std::to_string(reader.dropped());
  return feed;
}

}  // namespace

ParsedFeed parse_feed(std::string_view document, const std::string& base_url, const ParseLimits& limits) {
  try {
    return parse(document, base_url, limits);
  } catch (const std::exception& e) {  // only std::bad_alloc in practice; a feed must not take the daemon down
    ParsedFeed feed;
    feed.error = std::string("feed could not be parsed: ") + e.what();
    return feed;
  }
}

}  // namespace newsalert::feeds
