#!/usr/bin/env python3
"""Writes the feed corpus: one small file per format, namespace, charset family and breakage.

The files are committed; this script is their source, so that legacy-charset files hold exactly the
bytes a server would send. Run it from anywhere: python3 tests/data/feeds/make_corpus.py
"""
import os
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, text, encoding="utf-8", prefix=b""):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(prefix + (text.encode(encoding) if isinstance(text, str) else text))


def rss(items, channel_extra="", ns="", encoding=None, version="2.0"):
    decl = '<?xml version="1.0"%s?>\n' % (' encoding="%s"' % encoding if encoding else "")
    return (decl + '<rss version="%s"%s>\n<channel>\n<title>Corpus Wire</title>\n'
            '<link>https://corpus.example/</link>\n<description>Test feed</description>\n%s%s\n'
            '</channel>\n</rss>\n' % (version, ns, channel_extra, "\n".join(items)))


def item(guid, title, link, date, desc, extra=""):
    return ("<item>\n<title>%s</title>\n<link>%s</link>\n<guid>%s</guid>\n<pubDate>%s</pubDate>\n"
            "<description>%s</description>%s\n</item>" % (title, link, guid, date, desc, extra))


# ---- formats ---------------------------------------------------------------------------------
write("format_rss090.rdf", """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://my.netscape.com/rdf/simple/0.9/">
<channel>
<title>Netscape Era News</title>
<link>https://rss090.example/</link>
<description>RSS 0.90</description>
</channel>
<item>
<title>Parliament passes budget</title>
<link>https://rss090.example/budget</link>
</item>
<item>
<title>Storm reaches coast</title>
<link>https://rss090.example/storm</link>
</item>
</rdf:RDF>
""")

write("format_rss091_netscape.xml", """<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91">
<channel>
<title>Old Daily</title>
<link>https://rss091.example/</link>
<description>RSS 0.91 Netscape</description>
<language>en-us</language>
<item>
<title>Mayor opens bridge</title>
<link>https://rss091.example/bridge</link>
<description>The new bridge carries 40,000 cars a day.</description>
</item>
</channel>
</rss>
""")

write("format_rss091_userland.xml", """<?xml version="1.0"?>
<rss version="0.91">
<channel>
<title>Userland Scripting News</title>
<link>https://rss091u.example/</link>
<description>RSS 0.91 Userland</description>
<item>
<title>Talks resume in Geneva</title>
<link>https://rss091u.example/geneva</link>
<description>Delegations met for &lt;b&gt;six hours&lt;/b&gt;.</description>
</item>
</channel>
</rss>
""")

write("format_rss092.xml", rss([
    """<item>
<title>Harvest festival draws record crowd</title>
<link>https://corpus.example/092/festival</link>
<description>Organisers counted 12,000 visitors.</description>
<category domain="https://corpus.example/cats">Local</category>
<enclosure url="https://corpus.example/092/festival.mp3" length="1024" type="audio/mpeg"/>
</item>"""], version="0.92"))

write("format_rss093.xml", rss([
    """<item>
<title>Rail strike called off</title>
<link>https://corpus.example/093/rail</link>
<description>Unions accepted the offer.</description>
<pubDate>Mon, 05 Aug 2024 07:30:00 GMT</pubDate>
</item>"""], version="0.93"))

write("format_rss094.xml", rss([
    """<item>
<title>Central bank holds rates</title>
<link>https://corpus.example/094/rates</link>
<guid isPermaLink="false">rates-2024-08-06</guid>
<description>The rate stays at 4.25%.</description>
<pubDate>Tue, 06 Aug 2024 12:00:00 +0200</pubDate>
</item>"""], version="0.94"))

write("format_rss10.rdf", """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://rss10.example/feed">
<title>RDF Site Summary</title>
<link>https://rss10.example/</link>
<description>RSS 1.0</description>
<items><rdf:Seq><rdf:li rdf:resource="https://rss10.example/a"/><rdf:li rdf:resource="https://rss10.example/b"/></rdf:Seq></items>
</channel>
<item rdf:about="https://rss10.example/a">
<title>Election results certified</title>
<link>https://rss10.example/a</link>
<description>All 50 districts reported.</description>
<dc:date>2024-08-01T09:15:00+01:00</dc:date>
</item>
<item rdf:about="https://rss10.example/b">
<title>Ferry service suspended</title>
<link>https://rss10.example/b</link>
<description>High winds in the strait.</description>
<dc:date>2024-08-01T10:00:00Z</dc:date>
</item>
</rdf:RDF>
""")

write("format_rss20.xml", rss([
    item("wire-001", "Ceasefire talks open in Cairo", "https://corpus.example/2024/08/cairo-talks",
         "Wed, 07 Aug 2024 14:02:00 GMT",
         "&lt;p&gt;Negotiators from both sides arrived on Tuesday.&lt;/p&gt;",
         "\n<author>desk@corpus.example (Foreign Desk)</author>\n<category>World</category>"),
    item("wire-002", "Wildfire forces evacuations", "https://corpus.example/2024/08/wildfire",
         "Wed, 07 Aug 2024 15:30:00 +0000", "Thousands left their homes overnight."),
] + [item("wire-%03d" % n, "Regional briefing number %d" % n, "https://corpus.example/2024/08/briefing-%d" % n,
          "Wed, 07 Aug 2024 %02d:%02d:00 GMT" % (n % 24, n * 7 % 60),
          "&lt;p&gt;Briefing %d covers &lt;a href=&quot;/x&quot;&gt;the region&lt;/a&gt;.&lt;/p&gt;" % n)
   for n in range(3, 13)]))

write("format_atom03.xml", """<?xml version="1.0" encoding="utf-8"?>
<feed version="0.3" xmlns="http://purl.org/atom/ns#">
<title>Atom Zero Three</title>
<link rel="alternate" type="text/html" href="https://atom03.example/"/>
<modified>2024-08-02T12:00:00Z</modified>
<author><name>Desk</name></author>
<entry>
<title>Museum returns artefacts</title>
<link rel="alternate" type="text/html" href="https://atom03.example/museum"/>
<id>tag:atom03.example,2024:museum</id>
<issued>2024-08-02T10:00:00+02:00</issued>
<modified>2024-08-02T11:00:00Z</modified>
<summary type="text/plain">Forty objects go home.</summary>
<content type="text/html" mode="escaped">&lt;p&gt;The &lt;em&gt;forty&lt;/em&gt; objects were handed over.&lt;/p&gt;</content>
</entry>
</feed>
""")

write("format_atom10.xml", """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title type="text">Atom One</title>
<link rel="self" href="https://atom10.example/feed.atom"/>
<link rel="alternate" type="text/html" href="https://atom10.example/"/>
<id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
<updated>2024-08-03T18:30:02Z</updated>
<author><name>Atom Desk</name></author>
<entry>
<title type="html">Summit ends with &lt;em&gt;joint statement&lt;/em&gt;</title>
<link rel="alternate" type="text/html" href="https://atom10.example/2024/summit"/>
<id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>
<published>2024-08-03T17:00:00-04:00</published>
<updated>2024-08-03T18:30:02Z</updated>
<summary>Leaders agreed on trade.</summary>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Leaders agreed on <b>trade</b>.</p><p>Details follow.</p></div></content>
</entry>
</feed>
""")

write("format_jsonfeed10.json", """{
  "version": "https://jsonfeed.org/version/1",
  "title": "JSON One",
  "home_page_url": "https://json10.example/",
  "feed_url": "https://json10.example/feed.json",
  "author": {"name": "JSON Desk"},
  "items": [
    {
      "id": "2347259",
      "url": "https://json10.example/2024/port-reopens",
      "title": "Port reopens after dredging",
      "content_html": "<p>Ships returned on <strong>Friday</strong>.</p>",
      "summary": "Ships returned on Friday.",
      "date_published": "2024-08-04T08:00:00+02:00",
      "tags": ["shipping", "economy"]
    },
    {
      "id": 2347260,
      "url": "/2024/vote",
      "title": "Council vote delayed",
      "content_text": "The vote moves to next week.",
      "date_published": "2024-08-04T09:30:00Z"
    }
  ]
}
""")

write("format_jsonfeed11.json", """{
  "version": "https://jsonfeed.org/version/1.1",
  "title": "JSON One One",
  "home_page_url": "https://json11.example/",
  "language": "en",
  "authors": [{"name": "Newsroom"}],
  "items": [
    {
      "id": "https://json11.example/p/1",
      "url": "https://json11.example/p/1",
      "title": "Dam inspection finds cracks",
      "content_html": "<p>Engineers found <em>three</em> cracks.</p>",
      "image": "https://json11.example/img/dam.jpg",
      "date_published": "2024-08-05T06:45:00Z",
      "date_modified": "2024-08-05T07:00:00Z",
      "authors": [{"name": "R. Engineer"}]
    }
  ]
}
""")

# Ordinary feeds, as most of the web serves them: fifty entries in RSS 2.0 and Atom 1.0, thirty in RSS 1.0.
TOPICS = ["budget", "election", "harbour", "drought", "summit", "transit", "vaccine", "tariffs", "border", "court"]
write("realistic_rss20.xml", rss([
    item("https://daily.example/%d/%s" % (n, TOPICS[n % 10]), "Daily %s update %d" % (TOPICS[n % 10].title(), n),
         "https://daily.example/%d/%s" % (n, TOPICS[n % 10]),
         "%s, %02d Jul 2024 %02d:%02d:00 +0000" % (["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][n % 7], 1 + n % 28,
                                                   n % 24, (n * 13) % 60),
         "&lt;p&gt;Officials said the %s plan would be reviewed.&lt;/p&gt;&lt;p&gt;More at 6.&lt;/p&gt;" % TOPICS[n % 10])
    for n in range(50)]))
write("realistic_atom10.xml", """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>Evening Atom</title>
<link rel="alternate" href="https://evening.example/"/>
<id>tag:evening.example,2024:feed</id>
<updated>2024-07-31T23:00:00Z</updated>
""" + "".join("""<entry>
<title>Evening %s report %d</title>
<link rel="alternate" type="text/html" href="https://evening.example/2024/%d"/>
<id>tag:evening.example,2024:%d</id>
<published>2024-07-%02dT%02d:%02d:00+02:00</published>
<updated>2024-07-%02dT%02d:%02d:00+02:00</updated>
<summary type="html">&lt;p&gt;Report %d on the %s.&lt;/p&gt;</summary>
</entry>
""" % (TOPICS[n % 10], n, n, n, 1 + n % 28, n % 24, n % 60, 1 + n % 28, n % 24, n % 60, n, TOPICS[n % 10])
                       for n in range(50)) + "</feed>\n")
write("realistic_rss10.rdf", """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://weekly.example/rss">
<title>Weekly RDF</title>
<link>https://weekly.example/</link>
<description>Slashcode-style RSS 1.0</description>
</channel>
""" + "".join("""<item rdf:about="https://weekly.example/story/%d">
<title>Weekly %s digest %d</title>
<link>https://weekly.example/story/%d</link>
<description>Digest %d: the %s in brief.</description>
<dc:creator>Editor %d</dc:creator>
<dc:subject>%s</dc:subject>
<dc:date>2024-06-%02dT%02d:30:00+00:00</dc:date>
</item>
""" % (n, TOPICS[n % 10], n, n, n, TOPICS[n % 10], n % 5, TOPICS[n % 10], 1 + n % 28, n % 24) for n in range(30))
      + "</rdf:RDF>\n")

# ---- namespaces --------------------------------------------------------------------------------
NS_CONTENT = ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
NS_DC = ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
NS_MEDIA = ' xmlns:media="http://search.yahoo.com/mrss/"'
NS_ATOM = ' xmlns:atom="http://www.w3.org/2005/Atom"'

write("ns_content_encoded.xml", rss([
    item("ce-1", "Court rules on data law", "https://corpus.example/ce/1", "Thu, 08 Aug 2024 08:00:00 GMT",
         "Short teaser.",
         "\n<content:encoded><![CDATA[<p>The court ruled <strong>5-4</strong>.</p><ul><li>First point</li><li>Second point</li></ul>]]></content:encoded>")],
    ns=NS_CONTENT))

write("ns_dublin_core.xml", rss([
    """<item>
<title>Minister resigns</title>
<link>https://corpus.example/dc/minister</link>
<guid>dc-1</guid>
<dc:creator>Jane Reporter</dc:creator>
<dc:subject>Politics</dc:subject>
<dc:date>2024-08-08T16:20:00+02:00</dc:date>
<description>The minister stepped down on Thursday.</description>
</item>"""], ns=NS_DC))

write("ns_media.xml", rss([
    """<item>
<link>https://corpus.example/media/flood</link>
<guid>media-1</guid>
<pubDate>Fri, 09 Aug 2024 10:00:00 GMT</pubDate>
<media:title>River bursts its banks</media:title>
<media:description>Aerial footage of the flooded valley.</media:description>
<media:thumbnail url="https://corpus.example/media/flood-thumb.jpg" width="120" height="90"/>
</item>""",
    """<item>
<title>Volcano erupts</title>
<link>https://corpus.example/media/volcano</link>
<guid>media-2</guid>
<pubDate>Fri, 09 Aug 2024 11:00:00 GMT</pubDate>
<media:group>
<media:content url="https://corpus.example/media/volcano.jpg" medium="image" type="image/jpeg"/>
<media:description type="html">&lt;p&gt;Ash cloud over the island.&lt;/p&gt;</media:description>
</media:group>
</item>"""], ns=NS_MEDIA))

write("ns_xml_base.xml", """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://base.example/news/">
<title>Based</title>
<link href="./"/>
<id>tag:base.example,2024:feed</id>
<updated>2024-08-10T00:00:00Z</updated>
<entry>
<title>Relative to the feed base</title>
<link href="2024/one.html"/>
<id>tag:base.example,2024:one</id>
<updated>2024-08-10T01:00:00Z</updated>
</entry>
<entry xml:base="/archive/">
<title>Relative to the entry base</title>
<link href="two.html"/>
<id>tag:base.example,2024:two</id>
<updated>2024-08-10T02:00:00Z</updated>
</entry>
<entry>
<title>Base on the link itself</title>
<link xml:base="https://mirror.example/x/" href="../three.html"/>
<id>tag:base.example,2024:three</id>
<updated>2024-08-10T03:00:00Z</updated>
</entry>
</feed>
""")

write("ns_xml_base_rss.xml", rss([
    """<item xml:base="https://cdn.example/stories/">
<title>Item-level base in RSS</title>
<link>jobs-report.html</link>
<guid isPermaLink="false">xb-1</guid>
</item>""",
    """<item>
<title>Resolved against the feed URL</title>
<link>/local/story.html</link>
<guid isPermaLink="false">xb-2</guid>
</item>"""]))

write("ns_atom_link_alternate.xml", """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>Links</title>
<id>tag:links.example,2024:feed</id>
<updated>2024-08-11T00:00:00Z</updated>
<entry>
<title>Alternate wins over related and self</title>
<link rel="related" href="https://links.example/related"/>
<link rel="self" href="https://links.example/self"/>
<link rel="enclosure" type="image/png" href="https://links.example/pic.png"/>
<link rel="alternate" type="text/html" href="https://links.example/story"/>
<id>tag:links.example,2024:1</id>
<updated>2024-08-11T01:00:00Z</updated>
</entry>
</feed>
""")

write("ns_rss_atom_link.xml", rss([
    """<item>
<title>RSS item with only an atom:link</title>
<atom:link rel="self" href="https://corpus.example/self.xml"/>
<atom:link rel="alternate" href="https://corpus.example/alt-story"/>
<guid isPermaLink="false">al-1</guid>
</item>"""], channel_extra='<atom:link rel="self" href="https://corpus.example/feed.xml" type="application/rss+xml"/>',
    ns=NS_ATOM))

# ---- identity ----------------------------------------------------------------------------------
write("identity_missing.xml", rss([
    """<item>
<title>No guid, has link</title>
<link>https://corpus.example/id/link-only</link>
</item>""",
    """<item>
<title>No guid, no link</title>
<description>Only words here.</description>
<pubDate>Sat, 10 Aug 2024 09:00:00 GMT</pubDate>
</item>"""]))

write("identity_reused.xml", rss([
    item("https://corpus.example/", "First story under a shared guid", "https://corpus.example/id/first",
         "Sat, 10 Aug 2024 10:00:00 GMT", "One."),
    item("https://corpus.example/", "Second story under a shared guid", "https://corpus.example/id/second",
         "Sat, 10 Aug 2024 11:00:00 GMT", "Two."),
    item("dup-1", "Listed twice", "https://corpus.example/id/twice", "Sat, 10 Aug 2024 12:00:00 GMT", "Same."),
    item("dup-1", "Listed twice", "https://corpus.example/id/twice", "Sat, 10 Aug 2024 12:00:00 GMT", "Same."),
]))

# ---- dates ------------------------------------------------------------------------------------
dates = [
    ("d1", "Missing seconds", "Sun, 11 Aug 2024 08:15 GMT"),
    ("d2", "Two-digit year", "Sun, 11 Aug 24 08:15:00 GMT"),
    ("d3", "German day name", "So, 11 Aug 2024 08:15:00 +0200"),
    ("d4", "Spanish day and month", "dom, 11 ago 2024 08:15:00 +0000"),
    ("d5", "Eastern time", "Sun, 11 Aug 2024 08:15:00 EST"),
    ("d6", "Pacific daylight", "Sun, 11 Aug 2024 08:15:00 PDT"),
    ("d7", "GMT plus three", "Sun, 11 Aug 2024 08:15:00 GMT+3"),
    ("d8", "No day name", "11 Aug 2024 08:15:00 +0000"),
    ("d9", "Unparseable", "sometime last week"),
    ("d10", "Unix timestamp", "1723364100"),
]
write("dates_rfc822.xml", rss([
    "<item><title>%s</title><guid isPermaLink=\"false\">%s</guid><pubDate>%s</pubDate></item>" % (t, g, d)
    for g, t, d in dates]))

write("dates_iso8601.xml", """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>ISO dates</title>
<id>tag:dates.example,2024:feed</id>
<updated>2024-08-12T00:00:00Z</updated>
<entry><title>With Z</title><id>i1</id><link href="https://dates.example/i1"/><published>2024-08-12T10:20:30Z</published><updated>2024-08-12T10:20:30Z</updated></entry>
<entry><title>With offset</title><id>i2</id><link href="https://dates.example/i2"/><published>2024-08-12T10:20:30+05:30</published><updated>2024-08-12T10:20:30+05:30</updated></entry>
<entry><title>Fraction</title><id>i3</id><link href="https://dates.example/i3"/><published>2024-08-12T10:20:30.250Z</published><updated>2024-08-12T10:20:30.250Z</updated></entry>
<entry><title>No zone</title><id>i4</id><link href="https://dates.example/i4"/><published>2024-08-12T10:20:30</published><updated>2024-08-12T10:20:30</updated></entry>
<entry><title>Date only</title><id>i5</id><link href="https://dates.example/i5"/><published>2024-08-12</published><updated>2024-08-12</updated></entry>
<entry><title>Garbage</title><id>i6</id><link href="https://dates.example/i6"/><published>not a date</published><updated>not a date</updated></entry>
</feed>
""")

# ---- charsets ---------------------------------------------------------------------------------
CHARSETS = [
    # (file, charset label, title, summary) -- text chosen so every byte is in the charset
    ("charset_windows-1250.xml", "windows-1250", "Zażółć gęślą jaźń", "Příliš žluťoučký kůň úpěl ďábelské ódy."),
    ("charset_windows-1251.xml", "windows-1251", "Новости дня", "Парламент принял бюджет."),
    ("charset_windows-1252.xml", "windows-1252", "Café “quoted” — naïve", "Smart quotes ‘here’ and €5."),
    ("charset_windows-1253.xml", "windows-1253", "Ειδήσεις", "Η Βουλή ψήφισε τον προϋπολογισμό."),
    ("charset_windows-1254.xml", "windows-1254", "Haberler: İstanbul", "Meclis bütçeyi kabul etti, şöyle ğüzel."),
    ("charset_windows-1255.xml", "windows-1255", "חדשות היום", "הכנסת אישרה את התקציב."),
    ("charset_windows-1256.xml", "windows-1256", "أخبار اليوم", "البرلمان يقر الميزانية."),
    ("charset_windows-1257.xml", "windows-1257", "Žinios: Rīga", "Seimas priėmė biudžetą, ķēniņš."),
    ("charset_windows-1258.xml", "windows-1258", "Tin tức", "Quốc hội thông qua ngân sách."),
    ("charset_iso-8859-1.xml", "iso-8859-1", "Élysée: réforme", "Le président a parlé à Genève."),
    ("charset_iso-8859-2.xml", "iso-8859-2", "Wiadomości: Kraków", "Sejm przyjął ustawę."),
    ("charset_iso-8859-5.xml", "iso-8859-5", "Известия", "Москва и Киев."),
    ("charset_iso-8859-7.xml", "iso-8859-7", "Αθήνα", "Νέα από την Ελλάδα."),
    ("charset_iso-8859-9.xml", "iso-8859-9", "Ankara'da toplantı", "Görüşmeler sürüyor."),
    ("charset_iso-8859-15.xml", "iso-8859-15", "Prix en €", "Œuvre à 5 €."),
    ("charset_koi8-r.xml", "koi8-r", "Россия сегодня", "Новости из Москвы."),
    ("charset_koi8-u.xml", "koi8-u", "Новини України", "Київ і Львів, ґанок, їжак."),
    ("charset_gb18030.xml", "gb18030", "新闻联播", "国务院召开常务会议。"),
    ("charset_gb2312.xml", "gb2312", "人民日报", "北京今日天气晴朗。"),
    ("charset_big5.xml", "big5", "中央社新聞", "台北今天下雨。"),
    ("charset_shift_jis.xml", "shift_jis", "日本のニュース", "東京で地震がありました。"),
    ("charset_euc-jp.xml", "euc-jp", "朝日新聞", "大阪で祭りが開かれた。"),
    ("charset_euc-kr.xml", "euc-kr", "연합뉴스", "서울에서 회의가 열렸다."),
]
def encodable(text, label):
    """Vietnamese in windows-1258 is written with combining tone marks: decompose what has no code."""
    out = []
    for ch in text:
        try:
            ch.encode(label)
            out.append(ch)
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", ch)
            progress = True
            while progress:  # keep the letter precomposed as far as the charset allows ("ư" + acute)
                progress = False
                for mark in marks:
                    combined = unicodedata.normalize("NFC", base + mark)
                    try:
                        combined.encode(label)
                    except UnicodeEncodeError:
                        continue
                    if len(combined) == 1:
                        base = combined
                        marks.remove(mark)
                        progress = True
                        break
            out.append(base + "".join(marks))
    return "".join(out)


for name, label, title, summary in CHARSETS:
    title, summary = encodable(title, label), encodable(summary, label)
    # iso-8859-1 files carry windows-1252 bytes only where Latin-1 has letters: these are plain Latin-1.
    # Five entries each, as real feeds carry several; the numbers keep them apart.
    write(name, rss([item("cs-%s-%d" % (label, n), "%s %d" % (title, n), "https://corpus.example/cs/%s/%d" % (label, n),
                          "Mon, 12 Aug 2024 %02d:00:00 GMT" % (12 - n), summary) for n in range(1, 6)],
                    encoding=label), encoding=label)

# BOM outranks the XML declaration (which lies here).
write("charset_bom_utf8.xml", rss([item("bom-8", "Grüße aus Köln", "https://corpus.example/bom8",
                                        "Mon, 12 Aug 2024 13:00:00 GMT", "Straße")], encoding="iso-8859-1"),
      prefix=b"\xef\xbb\xbf")
write("charset_utf16le_bom.xml", rss([item("bom-16le", "Ελλάδα και Κύπρος", "https://corpus.example/bom16le",
                                           "Mon, 12 Aug 2024 14:00:00 GMT", "Little endian")], encoding="utf-16"),
      encoding="utf-16-le", prefix=b"\xff\xfe")
write("charset_utf16be_bom.xml", rss([item("bom-16be", "Україна", "https://corpus.example/bom16be",
                                           "Mon, 12 Aug 2024 15:00:00 GMT", "Big endian")], encoding="utf-16"),
      encoding="utf-16-be", prefix=b"\xfe\xff")
# The HTTP charset outranks the XML declaration: the bytes are KOI8-R, the declaration says windows-1251.
write("charset_http_overrides_xml.xml", rss([item("http-1", "Кремль", "https://corpus.example/http1",
                                                  "Mon, 12 Aug 2024 16:00:00 GMT", "Заявление")],
                                            encoding="windows-1251"), encoding="koi8-r")
# No declaration, no BOM, no HTTP charset: UTF-8.
write("charset_default_utf8.xml", rss([item("def-1", "Ça va, Zürich?", "https://corpus.example/def1",
                                            "Mon, 12 Aug 2024 17:00:00 GMT", "Ünïcödé")]).replace(
    '<?xml version="1.0"?>\n', ""))
# Declared UTF-8 with two invalid bytes: they become U+FFFD, the rest survives.
doc = rss([item("bad-utf8", "Bad bytes: caf\x00 here", "https://corpus.example/bad",
                "Mon, 12 Aug 2024 18:00:00 GMT", "Zürich \x01 and more")], encoding="utf-8")
raw = doc.encode("utf-8").replace(b"caf\x00", b"caf\xe9").replace(b"\x01", b"\xff\xfe")
write("charset_invalid_utf8.xml", raw)
# An HTML page: its <meta> names the charset.
write("charset_meta_html.html", """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251"><title>Страница</title></head>
<body><h1>Заголовок</h1><p>Текст статьи о Москве.</p></body></html>
""", encoding="windows-1251")

# ---- breakages --------------------------------------------------------------------------------
write("broken_html_entities.xml", rss([
    item("ent-1", "Caf&eacute; &hellip; AT&T &amp; friends", "https://corpus.example/ent?a=1&b=2",
         "Tue, 13 Aug 2024 08:00:00 GMT", "Prices&nbsp;rose &mdash; 5&nbsp;% &copy; R&D")]))

write("broken_control_chars.xml", rss([
    item("ctl-1", "Control\x0bcharacters\x08 here", "https://corpus.example/ctl",
         "Tue, 13 Aug 2024 09:00:00 GMT", "Text\x1b with escape\x0c and form feed")]))

write("broken_junk_before.xml", "\n\n<br />\n<b>Warning</b>: Cannot modify header information in <b>/var/www/rss.php</b> on line <b>3</b><br />\n" +
      rss([item("junk-1", "Feed after a PHP warning", "https://corpus.example/junk",
                "Tue, 13 Aug 2024 10:00:00 GMT", "Still here.")]))

write("broken_whitespace_before.xml", "\n\n   \n" + rss([item("ws-1", "Feed after blank lines",
                                                              "https://corpus.example/ws",
                                                              "Tue, 13 Aug 2024 10:30:00 GMT", "Fine.")]))

write("broken_unclosed_tags.xml", rss([
    item("open-1", "Unescaped HTML in description", "https://corpus.example/open1",
         "Tue, 13 Aug 2024 11:00:00 GMT", "<p>First line<br>second line"),
    item("open-2", "Item after the damage", "https://corpus.example/open2",
         "Tue, 13 Aug 2024 12:00:00 GMT", "Still <b>read</i> fine."),
]))

write("broken_truncated.xml", rss([
    item("trunc-1", "Complete item", "https://corpus.example/t1", "Tue, 13 Aug 2024 13:00:00 GMT", "Whole."),
    item("trunc-2", "Cut item", "https://corpus.example/t2", "Tue, 13 Aug 2024 14:00:00 GMT", "Half"),
]).split("Half")[0])

write("html_in_fields.xml", rss([
    item("html-1", "&lt;b&gt;Breaking:&lt;/b&gt; markets &lt;i&gt;tumble&lt;/i&gt;", "https://corpus.example/html1",
         "Tue, 13 Aug 2024 15:00:00 GMT",
         "<![CDATA[<style>p{color:red}</style><script>alert('x')</script><h2>Stocks</h2><p>The index fell 3%.</p><p>Bonds rallied.</p>]]>")]))
