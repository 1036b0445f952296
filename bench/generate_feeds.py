#!/usr/bin/env python3
"""Generates the parse benchmark corpus: realistic feeds in mixed formats and charsets.

Deterministic (fixed seed), written at bench time into a build directory, never committed.
Usage: generate_feeds.py OUT_DIR [--megabytes 64]
XML feeds go to OUT_DIR/xml, JSON feeds to OUT_DIR/json (feedparser 6.0 cannot read JSON Feed, so the
comparison with it is made on xml/ alone).
Formats: RSS 2.0 (with content:encoded, dc:, media:), Atom 1.0, RSS 1.0, JSON Feed 1.1.
Charsets: UTF-8, windows-1251, windows-1252, ISO-8859-1, KOI8-R, GB18030, Shift_JIS.
"""
import argparse
import json
import os
import random
from xml.sax.saxutils import escape

WORDS = ("government minister election parliament border security talks ceasefire economy inflation "
         "market energy climate storm flood court ruling president agency report officials said "
         "on the in of and to for with after before during against over under new city region").split()
LANG = {
    "utf-8": "Президент заявил — «переговоры» продолжатся; 中国 经济 增长; café naïve €",
    "windows-1251": "Правительство объявило о новых мерах поддержки экономики",
    "windows-1252": "Le ministre a déclaré « c’est fini » — réunion à Genève",
    "iso-8859-1": "Die Regierung in München plant Änderungen für Bürger",
    "koi8-r": "Министерство сообщило о переговорах в Москве",
    "gb18030": "国务院召开常务会议部署经济工作",
    "shift_jis": "政府は新しい経済対策を発表しました",
}
CHARSETS = list(LANG)


def sentence(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def paragraph_html(rng, charset):
    parts = []
    for _ in range(rng.randint(2, 6)):
        s = escape(sentence(rng, rng.randint(8, 25)))
        if rng.random() < 0.3:
            s = s.replace(" ", ' <a href="https://news.example/%d">' % rng.randint(1, 10**6), 1) + "</a>"
        parts.append("<p>%s %s</p>" % (s, LANG[charset]))
    return "".join(parts)


def date(rng):
    return "%s, %02d %s 2024 %02d:%02d:%02d %s" % (
        rng.choice(["Mon", "Tue", "Wed", "Thu", "Fri"]), rng.randint(1, 28),
        rng.choice(["Jan", "Feb", "Mar", "Apr", "May", "Jun"]), rng.randint(0, 23), rng.randint(0, 59),
        rng.randint(0, 59), rng.choice(["GMT", "+0000", "-0500", "EST", "+0200"]))


def iso(rng):
    return "2024-%02d-%02dT%02d:%02d:%02dZ" % (rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23),
                                               rng.randint(0, 59), rng.randint(0, 59))


def rss20(rng, charset, n):
    items = []
    for i in range(n):
        body = paragraph_html(rng, charset)
        items.append("""<item>
<title>%s %s</title>
<link>https://news.example/world/%d</link>
<guid isPermaLink="false">news-%d</guid>
<pubDate>%s</pubDate>
<dc:creator>%s</dc:creator>
<category>%s</category>
<description>%s</description>
<content:encoded><![CDATA[%s%s]]></content:encoded>
<media:thumbnail url="https://img.example/%d.jpg"/>
</item>""" % (escape(sentence(rng, 8)), LANG[charset][:20], i, rng.randint(1, 10**9), date(rng),
              sentence(rng, 2), rng.choice(WORDS), escape(body[:300]), body, body, i))
    return ('<?xml version="1.0" encoding="%s"?>\n<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">\n<channel>\n'
            '<title>Bench Wire</title><link>https://news.example/</link><description>bench</description>\n%s\n'
            '</channel></rss>\n' % (charset, "\n".join(items)))


def atom(rng, charset, n):
    entries = []
    for i in range(n):
        entries.append("""<entry>
<title type="html">%s</title>
<link rel="alternate" href="/story/%d"/>
<link rel="self" href="/api/%d"/>
<id>tag:news.example,2024:%d</id>
<published>%s</published><updated>%s</updated>
<author><name>%s</name></author>
<summary type="html">%s</summary>
<content type="html">%s</content>
</entry>""" % (escape(sentence(rng, 9) + " " + LANG[charset][:15]), i, i, rng.randint(1, 10**9), iso(rng), iso(rng),
              sentence(rng, 2), escape(paragraph_html(rng, charset)[:400]), escape(paragraph_html(rng, charset))))
    return ('<?xml version="1.0" encoding="%s"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://news.example/">\n'
            '<title>Bench Atom</title><id>tag:news.example,2024:feed</id><updated>2024-07-01T00:00:00Z</updated>\n%s\n</feed>\n'
            % (charset, "\n".join(entries)))


def rdf(rng, charset, n):
    items = []
    for i in range(n):
        items.append("""<item rdf:about="https://news.example/rdf/%d">
<title>%s</title><link>https://news.example/rdf/%d</link>
<description>%s</description><dc:date>%s</dc:date><dc:subject>%s</dc:subject>
</item>""" % (i, escape(sentence(rng, 7)), i, escape(paragraph_html(rng, charset)), iso(rng), rng.choice(WORDS)))
    return ('<?xml version="1.0" encoding="%s"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel rdf:about="https://news.example/rdf">'
            '<title>Bench RDF</title><link>https://news.example/</link><description>bench</description></channel>\n%s\n</rdf:RDF>\n'
            % (charset, "\n".join(items)))


def json_feed(rng, n):
    items = [{"id": "j-%d" % rng.randint(1, 10**9), "url": "https://news.example/j/%d" % i,
              "title": sentence(rng, 8), "content_html": paragraph_html(rng, "utf-8"),
              "summary": sentence(rng, 20), "date_published": iso(rng), "tags": [rng.choice(WORDS)]}
             for i in range(n)]
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Bench JSON",
                       "home_page_url": "https://news.example/", "items": items}, ensure_ascii=False)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--megabytes", type=int, default=64)
    args = ap.parse_args()
    for sub in ("xml", "json"):
        os.makedirs(os.path.join(args.out, sub), exist_ok=True)
    rng = random.Random(20240731)
    total, index = 0, 0
    while total < args.megabytes * 1024 * 1024:
        kind = rng.choice(["rss", "rss", "rss", "atom", "atom", "rdf", "json"])
        n = rng.randint(20, 80)
        if kind == "json":
            data, name = json_feed(rng, n).encode("utf-8"), "json/feed%04d.json" % index
        else:
            charset = rng.choice(CHARSETS) if rng.random() < 0.4 else "utf-8"
            text = {"rss": rss20, "atom": atom, "rdf": rdf}[kind](rng, charset, n)
            data, name = text.encode(charset, errors="xmlcharrefreplace"), "xml/feed%04d.xml" % index
        with open(os.path.join(args.out, name), "wb") as f:
            f.write(data)
        total += len(data)
        index += 1
    print("generated %d feeds, %.1f MB in %s" % (index, total / 1e6, args.out))


if __name__ == "__main__":
    main()
