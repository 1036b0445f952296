#!/usr/bin/env python3
"""Writes tests/data/wild/: one small file per way real feeds break (tests/feeds/wild_feeds_test.cpp).

The files are committed; this script is their source, so that files in legacy charsets or with
double-encoded text hold exactly the bytes a broken server would send.
Run it from anywhere: python3 tests/data/wild/make_wild.py
"""
import base64
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


def mojibake(text, via="cp1252"):
    """UTF-8 read as Latin-1/windows-1252 and encoded again: what a broken CMS stores."""
    return text.encode("utf-8").decode(via)


def rss(items, ns="", decl='<?xml version="1.0" encoding="utf-8"?>\n', channel_extra=""):
    return (decl + '<rss version="2.0"%s>\n<channel>\n<title>Wild</title>\n<link>https://wild.example/</link>\n'
            '<description>Feeds as publishers write them</description>\n%s%s\n</channel>\n</rss>\n'
            % (ns, channel_extra, "\n".join(items)))


# Double-encoded UTF-8 in some fields, correct UTF-8 in others, in one UTF-8 document.
write("double_encoded_utf8.xml", rss([
    "<item><guid>de-1</guid><title>%s</title><link>https://wild.example/verglas</link>"
    "<description>%s</description></item>" % (mojibake("Routes verglaçantes à Genève"),
                                               mojibake("L’hiver arrive — prudence.")),
    "<item><guid>de-2</guid><title>%s</title><link>https://wild.example/angel</link>"
    "<description>Zürich, déjà vu: already right.</description></item>" % mojibake("Ángel Di María", "latin-1"),
]))

# Genuine Latin-1, declared: every accented character is one byte, and none may be "repaired".
write("latin1_genuine.xml", rss([
    "<item><guid>l1-1</guid><title>Routes verglaçantes à Genève</title><link>https://wild.example/l1</link>"
    "<description>SÃO PAULO: Â© 3°C, «Ça va» ±2</description></item>",
], decl='<?xml version="1.0" encoding="iso-8859-1"?>\n').encode("latin-1"))

# No charset anywhere (no declaration, no BOM, no HTTP charset) and the bytes are windows-1252.
write("undeclared_windows1252.xml", rss([
    "<item><guid>w-1</guid><title>Café “quoted” – déjà</title><link>https://wild.example/w1</link>"
    "<description>Prix : 5 € ; l’été</description></item>",
], decl="").encode("cp1252"))

# A relative permalink guid and no <link>: against xml:base, and against the feed URL.
write("relative_permalink_guid.xml", rss([
    '<item xml:base="https://blog.wild.example/2024/"><title>Based</title>'
    '<guid isPermaLink="true">/blog/post</guid></item>',
    '<item><title>Against the feed URL</title><guid isPermaLink="true">posts/42.html</guid></item>',
    '<item><title>Not a permalink</title><guid isPermaLink="false">/internal/7</guid></item>',
]))

# Atom entries without <link>: an http(s) id is the link, a tag: id is not.
write("atom_id_as_link.xml", """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>Wild Atom</title>
<id>https://atom.wild.example/</id>
<updated>2024-08-14T10:00:00Z</updated>
<entry><id>https://atom.wild.example/2024/08/14/story</id><title>Id is a web address</title>
<updated>2024-08-14T10:00:00Z</updated></entry>
<entry><id>tag:atom.wild.example,2024:2</id><title>Id is a tag</title><updated>2024-08-14T11:00:00Z</updated></entry>
</feed>
""")

# Namespace URIs as generators misspell them.
write("namespace_variants.xml", rss([
    "<item><guid>ns-1</guid><title>Slashless content</title><link>https://wild.example/ns1</link>"
    "<c:encoded><![CDATA[<p>Body from the content module.</p>]]></c:encoded>"
    "<d:creator>Ana Ruiz</d:creator><d:date>2024-08-14T09:00:00Z</d:date></item>",
    "<item><guid>ns-2</guid><title>Upper-case media</title><link>https://wild.example/ns2</link>"
    "<m:description>Described by media.</m:description><a:link rel=\"alternate\" href=\"https://wild.example/alt\"/></item>",
], ns=' xmlns:c="http://purl.org/rss/1.0/modules/content" xmlns:d="https://purl.org/dc/elements/1.1/"'
      ' xmlns:m="HTTP://SEARCH.YAHOO.COM/MRSS/" xmlns:a="https://www.w3.org/2005/Atom"'))

# A feed inside an HTML page, and an RSS feed inside an XHTML page.
write("feed_in_html.html", """<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>Our feed</title><link rel="stylesheet" href="/s.css"></head>
<body><p>Subscribe below.<br>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>Wrapped Atom</title>
<link href="https://html.wild.example/"/>
<entry><id>tag:html.wild.example,2024:1</id><title>Inside the page</title>
<link href="https://html.wild.example/1"/><updated>2024-08-14T12:00:00Z</updated>
<summary>Read anyway.</summary></entry>
</feed>
</p></body>
</html>
""")
write("rss_in_xhtml.xhtml", """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Feed</title></head><body>
<rss version="2.0"><channel><title>Wrapped RSS</title><link>https://xhtml.wild.example/</link>
<item><guid>x-1</guid><title>Inside XHTML</title><link>https://xhtml.wild.example/1</link></item>
</channel></rss>
</body></html>
""")

# The same item listed twice (a "top stories" block and its section), and one other item.
twice = ("<item><guid>twice-1</guid><title>Listed twice</title><link>https://wild.example/twice</link>"
         "<pubDate>Wed, 14 Aug 2024 08:00:00 GMT</pubDate><description>Same story.</description></item>")
write("item_listed_twice.xml", rss([twice, "<item><guid>once-1</guid><title>Listed once</title>"
                                           "<link>https://wild.example/once</link></item>", twice]))
write("item_listed_once.xml", rss([twice]))
nolink = ("<item><title>No guid</title><link>https://wild.example/noguid</link>"
          "<description>Twice without guid.</description></item>")
write("item_without_guid_listed_twice.xml", rss([nolink, nolink]))

# Cut off right after a complete item, and right after a complete Atom entry.
write("cut_after_item.xml", rss([
    "<item><guid>cut-1</guid><title>First</title><link>https://wild.example/c1</link></item>",
    "<item><guid>cut-2</guid><title>Last complete</title><link>https://wild.example/c2</link></item>",
]).split("\n</channel>")[0])
write("cut_after_entry.xml", """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Cut</title>
<entry><id>tag:cut,1</id><title>One</title><link href="https://wild.example/a1"/></entry>
<entry><id>tag:cut,2</id><title>Two</title><link href="https://wild.example/a2"/></entry>""")

# Text elements of older feeds, and entries whose only content is a date or an id.
write("legacy_text_elements.xml", rss([
    '<item><guid>lg-1</guid><link>https://wild.example/lg1</link>'
    '<xhtml:body><p>XHTML body text.</p></xhtml:body></item>',
    '<item><guid>lg-2</guid><link>https://wild.example/lg2</link>'
    '<body xmlns="http://www.w3.org/1999/xhtml"><p>Plain body text.</p></body></item>',
    '<item><guid>lg-3</guid><link>https://wild.example/lg3</link>'
    '<fullitem>&lt;p&gt;Full item text.&lt;/p&gt;</fullitem></item>',
    '<item><guid>lg-4</guid><link>https://wild.example/lg4</link>'
    '<itunes:summary>Episode summary.</itunes:summary></item>',
    '<item><pubDate>Wed, 14 Aug 2024 07:00:00 GMT</pubDate></item>',
    '<item><guid isPermaLink="false">only-an-id</guid></item>',
], ns=' xmlns:xhtml="http://www.w3.org/1999/xhtml" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"'))
html = "<p>Encoded <b>in base64</b>, line-wrapped as MIME does.</p>"
b64 = base64.encodebytes(html.encode("utf-8") * 3).decode("ascii")
write("atom03_base64_issued.xml", """<?xml version="1.0" encoding="utf-8"?>
<feed version="0.3" xmlns="http://purl.org/atom/ns#">
<title>Atom 0.3</title>
<link rel="alternate" type="text/html" href="https://atom03.wild.example/"/>
<modified>2024-08-14T10:00:00Z</modified>
<entry>
<title>Base64 content</title>
<link rel="alternate" type="text/html" href="https://atom03.wild.example/1"/>
<id>tag:atom03.wild.example,2024:1</id>
<issued>2024-08-14T09:30:00+02:00</issued>
<content type="text/html" mode="base64">
%s</content>
</entry>
<entry>
<id>tag:atom03.wild.example,2024:2</id>
<issued>2024-08-14T08:00:00Z</issued>
</entry>
</feed>
""" % b64)

# Dates as publishers write them; the last one cannot be read.
def dated(n, date):
    return ("<item><guid>d-%d</guid><title>Date %d</title><link>https://wild.example/d%d</link>"
            "<pubDate>%s</pubDate></item>" % (n, n, n, date))
write("dates_as_written.xml", rss([dated(i + 1, d) for i, d in enumerate([
    "Wed, 14 Aug 2024 8:56 am PST",
    "8/14/2024 02:02:33 PM",
    "2020/1/10",
    "Fri, 10 Jan 2020 10:00:00 BST",
    "Wednesday, August 14, 2024 - 14:30 BST",
    "14/13/2024 10:00",
])]))

# Links written without a scheme.
write("link_without_scheme.xml", rss([
    "<item><guid>s-1</guid><title>Host first</title><link>www.example.com/post</link></item>",
    "<item><guid>s-2</guid><title>Bare domain</title><link>news.example.co.uk/2024/story</link></item>",
    "<item><guid>s-3</guid><title>Relative page</title><link>story.html</link></item>",
]))

# Entries in several languages under a channel that declares French; the last one is too short to tell.
write("languages.xml", rss([
    "<item><guid>lang-en</guid><title>Parliament passes the budget after a long night of debate</title>"
    "<description>Lawmakers approved the spending plan early on Wednesday, ending weeks of negotiations "
    "between the two largest parties.</description></item>",
    "<item><guid>lang-fr</guid><title>Les routes verglaçantes paralysent la circulation à Genève</title>"
    "<description>Les automobilistes sont invités à rester prudents ce matin, selon la police cantonale "
    "qui signale de nombreux accidents.</description></item>",
    "<item><guid>lang-de</guid><title>Bundestag beschließt den Haushalt nach langer Debatte</title>"
    "<description>Die Abgeordneten stimmten dem Plan am Mittwoch zu und beendeten damit wochenlange "
    "Verhandlungen zwischen den Fraktionen.</description></item>",
    "<item><guid>lang-ru</guid><title>Землетрясение произошло у побережья Камчатки</title>"
    "<description>По данным сейсмологов, толчки ощущались в Петропавловске-Камчатском, сообщений о "
    "пострадавших не поступало.</description></item>",
    "<item><guid>lang-ja</guid><title>政府は新たな経済対策を発表した</title>"
    "<description>物価高に対応するため、政府は家計への支援策を盛り込んだ経済対策をまとめた。</description></item>",
    "<item><guid>lang-short</guid><title>Météo</title></item>",
], channel_extra="<language>fr-FR</language>"))

# A generator that stamps the channel link as every item's guid, with two items and with one left.
stamped = ["<item><guid>https://wild.example/</guid><title>Stamped %d</title><link>https://wild.example/s%d</link></item>"
           % (n, n) for n in (1, 2)]
write("guid_is_channel_link.xml", rss(stamped))
write("guid_is_channel_link_one_left.xml", rss(stamped[1:]))
