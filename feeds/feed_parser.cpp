// Reads RSS 0.9x/2.0, RSS 1.0 (RDF) and Atom 0.3/1.0 with pugixml (JSON Feed in json_feed.cpp) and
// normalizes entries into Articles.
#include "feeds/feed_parser.hpp"

#include "common/crypto.hpp"
#include "common/text.hpp"
#include "feeds/charset.hpp"
#include "feeds/date_parser.hpp"
#include "feeds/double_encoding.hpp"
#include "feeds/entry_identity.hpp"
#include "feeds/html_text.hpp"
#include "feeds/json_feed.hpp"
#include "feeds/url.hpp"
#include "feeds/xml_repair.hpp"
#include "feeds/xml_shape.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <climits>
#include <exception>
#include <optional>

namespace newsalert::feeds {
namespace {

// The vocabularies we read. Elements are recognised by namespace URI, never by prefix, because feeds
// choose their own prefixes; RSS 2.0 elements have no namespace at all.
enum class Ns { none, atom, atom03, rss10, rss090, rss_userland, rdf, dc, dcterms, content, media, itunes, xhtml, other };

// A namespace URI as generators misspell it: case, http or https, with or without the final '/' or '#'.
std::string loose_uri(std::string_view uri) {
  std::string s = to_lower_ascii(trim(uri));
  for (const std::string_view scheme : {"http://", "https://"})
    if (std::string_view(s).starts_with(scheme)) s.erase(0, scheme.size());
  while (!s.empty() && (s.back() == '/' || s.back() == '#')) s.pop_back();
  return s;
}

Ns classify_loose(std::string_view uri) {
  struct Known { std::string_view uri; Ns ns; };
  static constexpr Known known[] = {
      {"www.w3.org/2005/atom", Ns::atom}, {"purl.org/atom/ns", Ns::atom03}, {"purl.org/rss/1.0", Ns::rss10},
      {"my.netscape.com/rdf/simple/0.9", Ns::rss090}, {"backend.userland.com/rss2", Ns::rss_userland},
      {"blogs.law.harvard.edu/tech/rss", Ns::rss_userland}, {"backend.userland.com/rss", Ns::rss_userland},
      {"www.w3.org/1999/02/22-rdf-syntax-ns", Ns::rdf}, {"purl.org/dc/elements/1.1", Ns::dc},
      {"purl.org/dc/terms", Ns::dcterms}, {"purl.org/rss/1.0/modules/content", Ns::content},
      {"search.yahoo.com/mrss", Ns::media}, {"www.itunes.com/dtds/podcast-1.0.dtd", Ns::itunes},
      {"www.w3.org/1999/xhtml", Ns::xhtml}};
  const std::string key = loose_uri(uri);
  for (const auto& k : known)
    if (key == k.uri) return k.ns;
  return Ns::other;
}

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
  if (uri == "http://search.yahoo.com/mrss/" || uri == "http://search.yahoo.com/mrss") return Ns::media;
  return classify_loose(uri);
}

// Feeds that use a prefix without declaring it are common enough to forgive for the usual prefixes.
Ns guess_from_prefix(std::string_view prefix) {
  if (prefix == "atom") return Ns::atom;
  if (prefix == "dc") return Ns::dc;
  if (prefix == "dcterms") return Ns::dcterms;
  if (prefix == "content") return Ns::content;
  if (prefix == "rdf") return Ns::rdf;
  if (prefix == "media") return Ns::media;
  if (prefix == "itunes") return Ns::itunes;
  if (prefix == "xhtml") return Ns::xhtml;
  return Ns::other;
}

// The plain RSS vocabulary: no namespace (0.9x/2.0), RSS 1.0, RSS 0.90 or the old userland URIs.
bool is_rss_core(Ns ns) {
  return ns == Ns::none || ns == Ns::rss10 || ns == Ns::rss090 || ns == Ns::rss_userland;
}

bool is_atom(Ns ns) { return ns == Ns::atom || ns == Ns::atom03; }

Ns resolve_prefix(pugi::xml_node scope, std::string_view prefix) {
  // Called for every element read; a stack buffer keeps it free of allocations.
  char attr[64] = "xmlns";
  if (!prefix.empty()) {
    if (prefix.size() > sizeof attr - 7) return guess_from_prefix(prefix);
    attr[5] = ':';
    prefix.copy(attr + 6, prefix.size());
    attr[6 + prefix.size()] = '\0';
  }
  for (auto p = scope; p && p.type() == pugi::node_element; p = p.parent())
    if (p.first_attribute())
      if (const auto a = p.attribute(attr)) return classify_uri(a.value());
  return prefix.empty() ? Ns::none : guess_from_prefix(prefix);
}

struct QName {
  Ns ns;
  std::string_view local;
};

template <typename Resolve>
QName qname_with(pugi::xml_node node, Resolve resolve) {
  const std::string_view name = node.name();
  const auto colon = name.find(':');
  if (colon == std::string_view::npos) {
    const Ns ns = resolve(node, std::string_view{});
    // An unknown default namespace is read as "none" so RSS 2.0 feeds that declare one still parse;
    // so is XHTML's, which a feed inside an XHTML page inherits.
    return {ns == Ns::other || ns == Ns::xhtml ? Ns::none : ns, name};
  }
  return {resolve(node, name.substr(0, colon)), name.substr(colon + 1)};
}

QName qname(pugi::xml_node node) { return qname_with(node, resolve_prefix); }

// Resolves prefixes like resolve_prefix, remembering what the walk up from one parent found: feeds
// declare their namespaces on the root, and every child of an item would otherwise repeat the same
// walk to it.
class PrefixCache {
 public:
  QName qname(pugi::xml_node node) {
    return qname_with(node, [this](pugi::xml_node n, std::string_view prefix) { return resolve(n, prefix); });
  }

 private:
  Ns resolve(pugi::xml_node node, std::string_view prefix) {
    // The element's own declaration comes first, as in resolve_prefix; then its parent's scope.
    if (node.first_attribute()) return resolve_prefix(node, prefix);
    const auto parent = node.parent();
    if (parent != parent_) {
      parent_ = parent;
      size_ = 0;
    }
    for (std::size_t i = 0; i < size_; ++i)
      if (entries_[i].prefix == prefix) return entries_[i].ns;
    const Ns ns = resolve_prefix(parent, prefix);
    if (size_ < entries_.size()) entries_[size_++] = {prefix, ns};
    return ns;
  }

  struct Entry {
    std::string_view prefix;
    Ns ns;
  };
  pugi::xml_node parent_;
  std::array<Entry, 8> entries_{};
  std::size_t size_ = 0;
};

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

// All text below the node in document order. pugixml's traverse is iterative: however deep the
// markup, the stack does not grow with it.
void collect_text(pugi::xml_node node, std::string& out) {
  struct TextCollector : pugi::xml_tree_walker {
    std::string& out;
    explicit TextCollector(std::string& o) : out(o) {}
    bool for_each(pugi::xml_node& n) override {
      if (n.type() == pugi::node_pcdata || n.type() == pugi::node_cdata) out.append(n.value());
      return true;
    }
  };
  TextCollector collector(out);
  node.traverse(collector);
}

// The node's text when it is a single text or CDATA child, the usual case, which needs no assembling.
std::optional<std::string_view> sole_text(pugi::xml_node node) {
  const auto child = node.first_child();
  if (!child || child.next_sibling() || (child.type() != pugi::node_pcdata && child.type() != pugi::node_cdata))
    return std::nullopt;
  return std::string_view(child.value());
}

// All text below the node, whitespace collapsed: for ids, links and other non-HTML values.
std::string plain_text(pugi::xml_node node) {
  if (const auto text = sole_text(node)) return collapse_whitespace(*text);
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

std::string html_text_of(pugi::xml_node node) {
  if (const auto text = sole_text(node)) return html_to_text(*text);
  return html_to_text(markup(node));
}

// A field that may hold HTML: the source is kept for payloads, the text is what matching reads.
struct TextField {
  std::string text;
  std::string html;
  bool empty() const { return text.empty(); }
};

TextField html_field(pugi::xml_node node) {
  TextField f;
  f.html = markup(node);
  f.text = html_to_text(f.html);
  return f;
}

// Atom text constructs (type text/html/xhtml) and their Atom 0.3 spelling (MIME type + mode).
TextField atom_field(pugi::xml_node node) {
  const std::string type = to_lower_ascii(node.attribute("type").value());
  const std::string_view mode = node.attribute("mode").value();
  const bool html = type.find("html") != std::string::npos;
  TextField f;
  if (mode == "base64") {
    std::string raw;
    collect_text(node, raw);
    if (!base64_decode(raw, f.html)) return {};
    f.text = html ? html_to_text(f.html) : collapse_whitespace(f.html);
    return f;
  }
  if (html || mode == "xml") return html_field(node);
  if (type.empty() || type == "text" || type.starts_with("text/")) {
    collect_text(node, f.html);
    f.text = collapse_whitespace(f.html);
  }
  return f;  // empty for some other media type: nothing we can show as text
}

std::string atom_text(pugi::xml_node node) { return atom_field(node).text; }

bool is_image_type(std::string_view mime) { return mime.starts_with("image/"); }

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

bool equals_ascii_ci(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i)
    if ((s[i] >= 'A' && s[i] <= 'Z' ? static_cast<char>(s[i] - 'A' + 'a') : s[i]) != lower[i]) return false;
  return true;
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
  TextField summary;
  TextField content;
  std::string image;

  void set_published(pugi::xml_node node, bool overrides) {
    auto text = plain_text(node);
    if (published && !overrides) return;
    if (const auto t = parse_date(text)) {
      published = t;
      date_text = std::move(text);
    }
  }
  void set_updated(pugi::xml_node node) {
    auto text = plain_text(node);
    if (updated) return;
    if (const auto t = parse_date(text)) {
      updated = t;
      if (date_text.empty()) date_text = std::move(text);
    }
  }
};

class FeedReader {
 public:
  FeedReader(const std::string& base_url, std::size_t max_entries, ParsedFeed& feed)
      : base_url_(base_url), max_entries_(max_entries), feed_(feed) {
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
    feed_.language = collapse_whitespace(root.attribute("xml:lang").value());
    AtomLinkPicker home;
    std::vector<std::string> feed_authors;
    for (const auto child : root.children()) {
      if (child.type() != pugi::node_element) continue;
      const auto q = qname(child);
      if (!is_atom(q.ns) && q.ns != Ns::none) continue;
      if (q.local == "title") feed_.title = atom_text(child);
      else if (q.local == "link") {
        home.offer(child.attribute("rel").value(), link_href(child));
        offer_websub_link(child);
      } else if (q.local == "author") add_unique(feed_authors, atom_person(child));
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
  // Resolves ref against the base in effect at node: the document URL refined by every xml:base on the
  // way down. When the document came from a file, the feed's home page stands in for the document URL.
  std::string resolve(pugi::xml_node node, std::string_view ref) const {
    if (trim(ref).empty()) return {};
    std::vector<const char*> bases;
    for (auto p = node; p && p.type() == pugi::node_element; p = p.parent())
      if (const auto a = p.attribute("xml:base")) bases.push_back(a.value());
    const std::string& start = item_base_.empty() ? base_url_ : item_base_;
    if (bases.empty()) return resolve_link(start, ref);  // the usual case, without a copy of the base
    std::string base = start;
    for (auto it = bases.rbegin(); it != bases.rend(); ++it) base = resolve_url(base, *it);
    return resolve_link(base, ref);
  }

  std::string link_href(pugi::xml_node link) const {
    const char* href = link.attribute("href").value();
    if (*href == '\0') return resolve(link, plain_text(link));  // Atom 0.3 feeds in the wild
    return resolve(link, href);
  }

  // rel="hub" and rel="self" of the feed (WebSub discovery); true when the link was one of them.
  bool offer_websub_link(pugi::xml_node link) {
    const std::string_view rel = link.attribute("rel").value();
    if (rel != "hub" && rel != "self") return false;
    std::string href = resolve(link, link.attribute("href").value());
    if (href.empty()) return true;
    if (rel == "hub") add_unique(feed_.hubs, std::move(href));
    else if (feed_.self.empty()) feed_.self = std::move(href);
    return true;
  }

  void settle_item_base() {
    if (item_base_.empty() && is_absolute_url(feed_.link)) item_base_ = feed_.link;
  }

  void read_channel(pugi::xml_node channel) {
    for (const auto child : channel.children()) {
      if (child.type() != pugi::node_element) continue;
      const auto q = qname(child);
      if ((is_rss_core(q.ns) || is_atom(q.ns)) && q.local == "link" && offer_websub_link(child)) continue;
      if (is_rss_core(q.ns)) {
        if (q.local == "title" && feed_.title.empty()) feed_.title = html_text_of(child);
        else if (q.local == "link" && feed_.link.empty()) feed_.link = resolve(child, plain_text(child));
        else if (q.local == "ttl") feed_.ttl = channel_ttl(child);
        else if (q.local == "language" && feed_.language.empty()) feed_.language = plain_text(child);
      } else if (q.ns == Ns::dc && q.local == "title" && feed_.title.empty()) {
        feed_.title = html_text_of(child);
      } else if (q.ns == Ns::dc && q.local == "language" && feed_.language.empty()) {
        feed_.language = plain_text(child);
      }
    }
    settle_item_base();
  }

  bool is_unfinished(pugi::xml_node node) const {
    return std::find(unfinished_.begin(), unfinished_.end(), node) != unfinished_.end();
  }

  // Whether an item element becomes an entry: not when the damage cut it short, nor once max_entries
  // entries are kept. Those past the limit are only counted, so a flood of items costs its tree alone.
  bool take(pugi::xml_node item) {
    if (is_unfinished(item)) return false;
    if (entries_.size() < max_entries_) return true;
    ++dropped_;
    return false;
  }

  void read_rss_item(pugi::xml_node item) {
    if (!take(item)) return;
    EntryDraft d;
    std::string guid;
    std::string dc_title;
    TextField dc_description;
    TextField itunes_summary;
    std::string atom_link;
    MediaFields media;
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
          // isPermaLink defaults to true, but then only a web address or an absolute path can stand in
          // for a missing link; a guid declared a permalink is one even when relative.
          const bool declared = equals_ascii_ci(permalink, "true");
          if (declared || (!equals_ascii_ci(permalink, "false") && (looks_like_web_url(guid) || guid.starts_with('/'))))
            d.permalink_guid = guid;
        } else if (l == "description") d.summary = html_field(child);
        else if (l == "enclosure" && d.image.empty() && is_image_type(child.attribute("type").value()))
          d.image = resolve(child, child.attribute("url").value());
        else if (l == "pubDate") d.set_published(child, true);
        else if (l == "author") add_unique(d.authors, rss_author(plain_text(child)));
        else if (l == "category") add_unique(d.categories, plain_text(child));
        else if ((l == "body" || l == "fullitem") && d.content.empty()) d.content = html_field(child);
      } else if (q.ns == Ns::xhtml && l == "body") {
        if (d.content.empty()) d.content = html_field(child);
      } else if (q.ns == Ns::itunes && l == "summary") {
        itunes_summary = html_field(child);
      } else if (q.ns == Ns::dc) {
        if (l == "creator" || l == "contributor") add_unique(d.authors, plain_text(child));
        else if (l == "subject") add_unique(d.categories, plain_text(child));
        else if (l == "date") d.set_published(child, false);
        else if (l == "title") dc_title = html_text_of(child);
        else if (l == "description") dc_description = html_field(child);
      } else if (q.ns == Ns::dcterms) {
        if (l == "issued" || l == "created" || l == "date") d.set_published(child, false);
        else if (l == "modified") d.set_updated(child);
      } else if (q.ns == Ns::content && l == "encoded") {
        d.content = html_field(child);
      } else if (q.ns == Ns::media) {
        read_media(child, media);
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
    media.apply(d);
    if (d.summary.empty()) d.summary = std::move(itunes_summary);
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
    if (!take(entry)) return;
    EntryDraft d;
    AtomLinkPicker links;
    MediaFields media;
    for (const auto child : entry.children()) {
      if (child.type() != pugi::node_element) continue;
      const auto q = qname(child);
      const auto l = q.local;
      if (is_atom(q.ns) || q.ns == Ns::none) {
        if (l == "id") d.id = plain_text(child);
        else if (l == "title") d.title = atom_text(child);
        else if (l == "link") {
          const std::string_view rel = child.attribute("rel").value();
          if (rel == "enclosure" && d.image.empty() && is_image_type(child.attribute("type").value()))
            d.image = link_href(child);
          links.offer(rel, link_href(child));
        } else if (l == "published" || l == "issued" || l == "created") d.set_published(child, l == "published");
        else if (l == "updated" || l == "modified") d.set_updated(child);
        else if (l == "author") add_unique(d.authors, atom_person(child));
        else if (l == "category") {
          std::string term = collapse_whitespace(child.attribute("term").value());
          add_unique(d.categories, term.empty() ? collapse_whitespace(child.attribute("label").value()) : term);
        } else if (l == "summary") d.summary = atom_field(child);
        else if (l == "content" && child.attribute("src").empty()) d.content = atom_field(child);
      } else if (q.ns == Ns::dc) {
        if (l == "creator") add_unique(d.authors, plain_text(child));
        else if (l == "subject") add_unique(d.categories, plain_text(child));
        else if (l == "date") d.set_published(child, false);
      } else if (q.ns == Ns::media) {
        read_media(child, media);
      }
    }
    media.apply(d);
    // An entry without its own author inherits the feed's (RFC 4287 section 4.2.1).
    if (d.authors.empty()) d.authors = feed_authors;
    d.link = links.take();
    // An entry without a link whose id is a web address: the id is where the article is.
    if (d.link.empty() && looks_like_web_url(d.id)) d.link = d.id;
    finish(std::move(d));
  }

  // media:title, media:description and the first picture, also inside media:group and media:content.
  struct MediaFields {
    std::string title;
    TextField description;
    std::string thumbnail;
    std::string image_content;
    void apply(EntryDraft& d) {
      if (d.title.empty()) d.title = std::move(title);
      if (d.summary.empty()) d.summary = std::move(description);
      if (d.image.empty()) d.image = thumbnail.empty() ? std::move(image_content) : std::move(thumbnail);
    }
  };

  // media:group and media:content hold more media elements; they are read depth first, in document
  // order, from a list rather than by recursion, so nesting cannot exhaust the stack.
  void read_media(pugi::xml_node node, MediaFields& m) const {
    std::vector<pugi::xml_node> pending;
    for (;;) {
      read_media_element(node, m, pending);
      if (pending.empty()) return;
      node = pending.back();
      pending.pop_back();
    }
  }

  void read_media_element(pugi::xml_node node, MediaFields& m, std::vector<pugi::xml_node>& pending) const {
    const auto l = qname(node).local;
    if (l == "title" && m.title.empty()) {
      m.title = html_text_of(node);
    } else if (l == "description" && m.description.empty()) {
      const std::string_view type = node.attribute("type").value();
      if (type == "html") m.description = html_field(node);
      else collect_text(node, m.description.html), m.description.text = collapse_whitespace(m.description.html);
    } else if (l == "thumbnail" && m.thumbnail.empty()) {
      m.thumbnail = resolve(node, node.attribute("url").value());
    } else if (l == "group" || l == "content") {
      const std::string_view medium = node.attribute("medium").value();
      if (l == "content" && m.image_content.empty() && (medium == "image" || is_image_type(node.attribute("type").value())))
        m.image_content = resolve(node, node.attribute("url").value());
      // Last child first, so that the first comes off the list first.
      for (auto child = node.last_child(); child; child = child.previous_sibling())
        if (child.type() == pugi::node_element && qname(child).ns == Ns::media) pending.push_back(child);
    }
  }

  void finish(EntryDraft d) {
    if (d.summary.empty()) d.summary = d.content;
    // Nothing to alert on; an entry with only a date is kept (its id is the hash of the date).
    if (d.title.empty() && d.link.empty() && d.summary.empty() && d.id.empty() && !d.published && !d.updated) return;
    DraftEntry e;
    Article& a = e.article;
    a.feed_url = base_url_;
    a.feed_title = feed_.title;
    a.id = std::move(d.id);
    a.title = std::move(d.title);
    a.link = std::move(d.link);
    a.published = d.published;
    a.updated = d.updated;
    a.authors = std::move(d.authors);
    a.categories = std::move(d.categories);
    a.summary = std::move(d.summary.text);
    a.summary_html = std::move(d.summary.html);
    a.content = std::move(d.content.text);
    a.content_html = std::move(d.content.html);
    a.image = std::move(d.image);
    e.date_text = std::move(d.date_text);
    entries_.push_back(std::move(e));
  }

 public:
  std::vector<DraftEntry>& entries() { return entries_; }
  // Entry elements past max_entries, skipped unread.
  std::size_t dropped() const { return dropped_; }

 private:

  // Within the reader, qname goes through the cache.
  QName qname(pugi::xml_node node) const { return prefixes_.qname(node); }

  const std::string& base_url_;
  const std::size_t max_entries_;
  std::size_t dropped_ = 0;
  ParsedFeed& feed_;
  mutable PrefixCache prefixes_;
  std::string item_base_;
  std::vector<pugi::xml_node> unfinished_;
  std::vector<DraftEntry> entries_;
};

bool is_xml_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Whether the element's end tag is in source, the text its tree was parsed from: pugixml builds an
// element before it reads its end, so the last one built may be complete or cut short.
bool has_end_tag(pugi::xml_node element, std::string_view source) {
  const auto offset = element.offset_debug();
  if (offset < 0 || static_cast<std::size_t>(offset) > source.size()) return false;
  const std::string close = std::string("</") + element.name();
  for (auto pos = source.find(close, static_cast<std::size_t>(offset)); pos != std::string_view::npos;
       pos = source.find(close, pos + 1)) {
    auto after = pos + close.size();
    while (after < source.size() && is_xml_space(source[after])) ++after;
    if (after < source.size() && source[after] == '>') return true;
  }
  return false;
}

// pugixml stops at the first error, so the open elements are on the path down to the last node it
// built; those of them whose end tag was read (a document cut right after an entry) are complete.
std::vector<pugi::xml_node> open_elements(const pugi::xml_document& doc, std::string_view source) {
  std::vector<pugi::xml_node> path;
  for (auto n = doc.last_child(); n; n = n.last_child())
    if (n.type() == pugi::node_element && !has_end_tag(n, source)) path.push_back(n);
  return path;
}

void add_warning(ParsedFeed& feed, const std::string& text) {
  if (!feed.warning.empty()) feed.warning += "; ";
  feed.warning += text;
}

// Where the markup starts: servers and generators put blank lines, PHP notices or a stray byte before
// the XML declaration, which XML forbids.
std::size_t markup_start(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return 0;
  // Whitespace alone never counts against the window in which junk is looked for.
  const auto head = text.substr(0, first + 4096);
  if (const auto decl = head.find("<?xml"); decl != std::string_view::npos) return decl;
  const auto rest = head.substr(first);
  if (rest.starts_with("<rss") || rest.starts_with("<feed") || rest.starts_with("<rdf:RDF") || rest.starts_with("<!"))
    return first;
  // No declaration: the earliest feed root element, else the first tag.
  std::size_t root = std::string_view::npos;
  for (const std::string_view tag : {"<rss", "<feed", "<rdf:RDF"}) root = std::min(root, head.find(tag));
  if (root != std::string_view::npos) return root;
  const auto lt = text.find('<', first);
  return lt == std::string_view::npos ? first : lt;
}

// Whether the text at `at` is the start tag `open` ("<rss"): the name must end there.
bool starts_tag(std::string_view at, std::string_view open) {
  return at.size() > open.size() && at.starts_with(open) &&
         (at[open.size()] == '>' || at[open.size()] == '/' || is_xml_space(at[open.size()]));
}

// Where the start tag `open` is first found in text, or npos.
std::size_t find_root_tag(std::string_view text, std::string_view open) {
  for (auto pos = text.find(open); pos != std::string_view::npos; pos = text.find(open, pos + 1))
    if (starts_tag(text.substr(pos), open)) return pos;
  return std::string_view::npos;
}

// The feed root elements, by their start and end tags.
struct FeedRoot {
  std::string_view open, close;
};
constexpr FeedRoot kFeedRoots[] = {{"<rss", "</rss>"}, {"<feed", "</feed>"}, {"<rdf:RDF", "</rdf:RDF>"}};

// Whether an <html> start tag (any case) comes before any feed root element in the head of the text.
bool html_comes_first(std::string_view text) {
  const auto head = text.substr(0, 4096);
  for (auto lt = head.find('<'); lt != std::string_view::npos; lt = head.find('<', lt + 1)) {
    const auto tag = head.substr(lt);
    for (const auto& root : kFeedRoots)
      if (starts_tag(tag, root.open)) return false;
    if (tag.size() > 5 && starts_tag("<" + to_lower_ascii(tag.substr(1, 4)) + tag[5], "<html")) return true;
  }
  return false;
}

// A feed some sites serve inside an HTML or XHTML page (<html><body><feed ...>): the feed element,
// from its start tag to its end tag (or to the end, when the page is cut off). Empty when the document
// is not an HTML page with a feed in it. Namespaces declared on the page are lost; the usual prefixes
// are guessed anyway.
std::string_view feed_inside_html(std::string_view text) {
  if (!html_comes_first(text)) return {};
  const FeedRoot* found = nullptr;
  std::size_t start = std::string_view::npos;
  for (const auto& root : kFeedRoots)
    if (const auto pos = find_root_tag(text, root.open); pos < start) start = pos, found = &root;
  if (found == nullptr) return {};
  const auto close = text.rfind(found->close);
  const auto end = close == std::string_view::npos || close < start ? text.size() : close + found->close.size();
  return text.substr(start, end - start);
}

bool looks_like_json(std::string_view text, std::string_view content_type) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && text[first] == '{') return true;
  const std::string media = media_type_of(content_type);
  return media.find("json") != std::string::npos && (first == std::string_view::npos || text[first] != '<');
}

// pugixml keeps references it does not know (&nbsp;, a bare '&') as text, which is what we want, but
// the document is not XML, so the feed is flagged like feedparser flags it. CDATA sections may hold
// anything and are skipped.
//
// CDATA openings are looked for by their '!', which is rare in feeds, rather than by their '<', which
// starts every tag: string_view::find would stop at each tag.
std::size_t find_cdata_open(std::string_view text, std::size_t from) {
  static constexpr std::string_view cdata_open = "<![CDATA[";
  for (auto bang = text.find('!', from + 1); bang != std::string_view::npos; bang = text.find('!', bang + 1))
    if (text.substr(bang - 1).starts_with(cdata_open)) return bang - 1;
  return std::string_view::npos;
}

// Whether the text after a '&' is a reference XML itself defines: one of the five named ones, or a
// numeric one. Dispatched on the first byte: escaped HTML puts a reference every few words.
bool is_xml_reference(std::string_view rest) {
  if (rest.empty()) return false;
  switch (rest[0]) {
    case 'l': return rest.starts_with("lt;");
    case 'g': return rest.starts_with("gt;");
    case 'a': return rest.starts_with("amp;") || rest.starts_with("apos;");
    case 'q': return rest.starts_with("quot;");
    case '#': {
      const auto semi = rest.find(';');
      return semi != std::string_view::npos && semi > 1;
    }
    default: return false;
  }
}

bool has_undeclared_reference(std::string_view text) {
  std::size_t cdata = find_cdata_open(text, 0);
  for (std::size_t amp = text.find('&'); amp != std::string_view::npos; amp = text.find('&', amp + 1)) {
    while (cdata < amp) {
      const auto end = text.find("]]>", cdata);
      if (end == std::string_view::npos) return false;
      if (end > amp) {
        amp = end;
        break;
      }
      cdata = find_cdata_open(text, end);
    }
    if (cdata < amp || text[amp] != '&') continue;
    if (!is_xml_reference(text.substr(amp + 1, 12))) return true;
  }
  return false;
}

constexpr unsigned kParseOptions = pugi::parse_default | pugi::parse_declaration;

// text is parsed in place (pugixml's fastest mode, no second copy of the document); has_undeclared_reference
// and the repair pass need the original, so a damaged document is decoded again by the caller's lambda.
template <typename Redecode>
bool read_xml(std::string& text, Redecode redecode, const std::string& base_url, const ParseLimits& limits,
              ParsedFeed& feed, DraftEntries& entries) {
  // parse_default never expands external entities (pugixml has no DTD processing), so no XXE.
  pugi::xml_document parsed;
  pugi::xml_document repaired_doc;
  pugi::xml_document* tree = &parsed;
  // The text of the tree, when the parse failed: where the end tags of its last elements are looked for.
  std::string source;
  const bool undeclared = has_undeclared_reference(text);
  pugi::xml_parse_result result = parsed.load_buffer_inplace(text.data(), text.size(), kParseOptions, pugi::encoding_utf8);
  if (!result) {
    // The loose second pass: balance the tags and parse again. Kept when it reads further.
    source = redecode();
    std::string repaired = balance_tags(source);
    const auto repaired_result =
        repaired_doc.load_buffer(repaired.data(), repaired.size(), kParseOptions, pugi::encoding_utf8);
    // Offsets differ slightly between the two texts; reading at least as far means the repair helped.
    if (repaired_result || repaired_result.offset >= result.offset) {
      if (repaired != source) add_warning(feed, "markup repaired after " + xml_error(result));
      parsed.reset();
      tree = &repaired_doc;
      source = std::move(repaired);
      result = repaired_result;
    }
  }
  const pugi::xml_document& doc = *tree;

  // A failed parse still leaves the tree read so far, so a truncated feed keeps its complete items.
  const auto root = doc.document_element();
  if (!root) {
    feed.error = result ? "not a feed: no root element" : "not a feed: " + xml_error(result);
    return false;
  }
  // Before anything below walks the tree: the walks are iterative, but some go up to the root from
  // each element they read.
  if (const std::string problem = xml_shape_problem(doc, limits); !problem.empty()) {
    feed.error = "refused: " + problem;
    return false;
  }
  const auto q = qname(root);
  FeedReader reader(base_url, limits.max_entries, feed);
  if (!result) reader.set_unfinished(open_elements(doc, source));
  if (q.local == "rss" && is_rss_core(q.ns)) reader.read_rss(root);
  else if (q.local == "RDF" && (q.ns == Ns::rdf || q.ns == Ns::none)) reader.read_rdf(root);
  else if (q.local == "feed" && (is_atom(q.ns) || q.ns == Ns::none)) reader.read_atom(root);
  else {
    feed.error = std::string("not a feed: root element <") + root.name() + ">";
    if (!result) feed.error += " (" + xml_error(result) + ")";
    return false;
  }
  entries.kept = std::move(reader.entries());
  entries.dropped = reader.dropped();
  if (undeclared) add_warning(feed, "undeclared entity or bare '&' kept as text");
  if (!result) {
    if (entries.kept.empty()) {
      feed.error = "malformed feed: " + xml_error(result);
      return false;
    }
    add_warning(feed, "malformed feed, kept the entries before the damage: " + xml_error(result));
  }
  return true;
}

// Double-encoded UTF-8 is repaired per field, as feedparser does: one CMS field may be broken while the
// rest of the document is right. Only text that was read as UTF-8 or windows-1252 can be affected.
void repair_text_fields(DraftEntries& entries, ParsedFeed& feed) {
  if (feed.charset != "utf-8" && feed.charset != "windows-1252") return;
  std::size_t repaired = repair_double_encoding(feed.title) ? 1 : 0;
  for (auto& entry : entries.kept) {
    Article& a = entry.article;
    repaired += repair_double_encoding(a.title) ? 1 : 0;
    // The markup of a field is repaired with its text: checking the shorter text is enough.
    for (auto [text, html] : {std::pair{&a.summary, &a.summary_html}, std::pair{&a.content, &a.content_html}})
      if (repair_double_encoding(*text)) {
        repair_double_encoding(*html);
        ++repaired;
      }
    for (auto* list : {&a.authors, &a.categories})
      for (auto& value : *list) repaired += repair_double_encoding(value) ? 1 : 0;
  }
  if (repaired != 0) add_warning(feed, std::to_string(repaired) + " double-encoded UTF-8 field(s) repaired");
}

// A guid that is the feed's own address or home page (generators that stamp the channel link on every
// item) names no entry. Treated as missing, the entry falls back to its link whatever else the
// document holds, where a shared guid would only be noticed while another entry shares it.
void drop_feed_level_ids(DraftEntries& entries, const ParsedFeed& feed, const std::string& base_url) {
  for (auto& entry : entries.kept) {
    std::string& id = entry.article.id;
    if (!id.empty() && (id == feed.link || id == base_url || id == feed.self)) id.clear();
  }
}

// The configured bounds (poll.max_entries, poll.max_field_bytes), the same for every format. The
// readers stop building entries at max_entries and count the rest.
void apply_limits(DraftEntries& entries, const ParseLimits& limits, ParsedFeed& feed) {
  if (entries.dropped > 0)
    add_warning(feed, "kept the first " + std::to_string(entries.kept.size()) + " entries, dropped " +
                          std::to_string(entries.dropped));
  for (auto& entry : entries.kept) {
    Article& a = entry.article;
    for (std::string* field : {&a.id, &a.title, &a.link, &a.summary, &a.summary_html, &a.content, &a.content_html, &a.image})
      truncate_utf8(*field, limits.max_field_bytes);
    for (auto* list : {&a.authors, &a.categories})
      for (auto& value : *list) truncate_utf8(value, limits.max_field_bytes);
  }
}

ParsedFeed parse(std::string_view document, const std::string& base_url, std::string_view content_type,
                 const ParseLimits& limits) {
  ParsedFeed feed;
  if (trim(document).empty()) {
    feed.error = "empty document";
    return feed;
  }
  DecodedDocument decoded = decode_document(document, content_type);
  feed.charset = decoded.charset;
  if (!decoded.warning.empty()) add_warning(feed, decoded.warning);
  std::string& text = decoded.text;
  DraftEntries entries;
  if (looks_like_json(text, content_type)) {
    read_json_feed(text, base_url, limits, feed, entries);
  } else {
    const auto start = markup_start(text);
    if (!trim(std::string_view(text).substr(0, start)).empty())
      add_warning(feed, "skipped " + std::to_string(start) + " bytes of junk before the markup");
    else if (start != 0 && std::string_view(text).substr(start).starts_with("<?xml"))
      add_warning(feed, "whitespace before the XML declaration");
    text.erase(0, start);
    std::size_t offset = start;
    if (const auto inner = feed_inside_html(text); !inner.empty()) {
      add_warning(feed, "read the feed inside an HTML page");
      const auto inner_start = static_cast<std::size_t>(inner.data() - text.data());
      offset += inner_start;
      text = std::string(inner);
    }
    const auto redecode = [&] {
      return decode_document(document, content_type).text.substr(offset, text.size());
    };
    read_xml(text, redecode, base_url, limits, feed, entries);
  }
  if (!feed.ok()) {
    feed.warning.clear();
    return feed;
  }
  repair_text_fields(entries, feed);
  apply_limits(entries, limits, feed);
  drop_feed_level_ids(entries, feed, base_url);
  settle_identities(entries.kept, feed.articles);
  feed.recovered = !feed.warning.empty();
  return feed;
}

}  // namespace

ParsedFeed parse_feed(std::string_view document, const std::string& base_url, std::string_view content_type,
                      const ParseLimits& limits) {
  try {
    return parse(document, base_url, content_type, limits);
  } catch (const std::exception& e) {  // only std::bad_alloc in practice; a feed must not take the daemon down
    ParsedFeed feed;
    feed.error = std::string("feed could not be parsed: ") + e.what();
    return feed;
  }
}

}  // namespace newsalert::feeds
