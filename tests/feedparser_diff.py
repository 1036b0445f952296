#!/usr/bin/env python3
"""Differential check: newsalertd's parser against Python's feedparser over tests/data/feeds/.

Both read every corpus file with the same base URL and Content-Type; entries are paired by title
(then by position) and compared per field after the same normalization on both sides:
  id         feedparser's id. feedparser resolves every id against the base URL as if it were a link
             ("wire-001" becomes "https://corpus.example/wire-001"); ids are names, not links, so we
             keep them as written and compare against the resolved form. When feedparser has no id, the
             fallback we document (the link, or a 64-hex-digit hash without link) counts as agreement
  title      HTML to text, whitespace collapsed
  link       as is
  published  the entry's date, published else updated, as UTC seconds
  summary    HTML to text, whitespace collapsed (feedparser keeps HTML, we keep text)
Text fields on both sides lose C0 control characters before comparison.
Every disagreement is printed. Exit status 1 when any field agrees on fewer than --min of entries.
Usage: feedparser_diff.py --newsalertd build/daemon/newsalertd [--corpus tests/data/feeds] [--min 0.98]
"""
import argparse
import calendar
import html
import html.parser
import json
import os
import re
import subprocess
import sys
import urllib.parse

import feedparser

FIELDS = ("id", "title", "link", "published", "summary")
BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th",
         "table", "blockquote", "pre", "hr", "section", "article", "dd", "dt"}


class TextOf(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in BLOCK or tag == "img":
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in BLOCK:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def text(value):
    if value is None:
        return ""
    if "<" in value or "&" in value:
        p = TextOf()
        p.feed(value)
        p.close()
        value = "".join(p.parts)
    # Control characters are not text: XML forbids them, feedparser passes them through, we drop them.
    value = re.sub(r"[\x00-\x08\x0e-\x1f]", "", html.unescape(value).replace("\u00a0", " "))
    return re.sub(r"\s+", " ", value).strip()


def seconds_of_rfc3339(value):
    if not value:
        return None
    return calendar.timegm(__import__("time").strptime(value[:19], "%Y-%m-%dT%H:%M:%S"))


def ours(binary, path, base, content_type):
    cmd = [binary, "parse", "--log-level", "error", "--base-url", base]
    if content_type:
        cmd += ["--content-type", content_type]
    run = subprocess.run(cmd + [path], capture_output=True, check=False)
    entries = [json.loads(line) for line in run.stdout.decode("utf-8").splitlines() if line.strip()]
    return [{
        "id": e["id"],
        "title": text(e["title"]),
        "link": e["link"],
        "published": seconds_of_rfc3339(e["published"] or e["updated"]),
        "summary": text(e["summary"]),
    } for e in entries]


def theirs(path, base, content_type):
    with open(path, "rb") as f:
        data = f.read()
    parsed = feedparser.parse(data, response_headers={"content-location": base, "content-type": content_type})
    out = []
    for e in parsed.entries:
        when = e.get("published_parsed") or e.get("updated_parsed")
        summary = e.get("summary")
        if summary is None and e.get("content"):
            summary = e["content"][0].get("value")
        out.append({
            "id": e.get("id"),
            "title": text(e.get("title")),
            "link": e.get("link", ""),
            "published": calendar.timegm(when) if when else None,
            "summary": text(summary),
        })
    return out


def agrees(field, mine, theirs_entry, base):
    a, b = mine[field], theirs_entry[field]
    if field == "id" and not b:
        return a == mine["link"] if mine["link"] else re.fullmatch(r"[0-9a-f]{64}", a) is not None
    if field == "id":
        return b in (a, urllib.parse.urljoin(base, a))
    return (a or "") == (b or "") if field != "published" else a == b


def pair(mine, theirs_list):
    """Pairs each feedparser entry with one of ours: same title first, else the same position."""
    used, pairs = set(), []
    for i, t in enumerate(theirs_list):
        j = next((k for k, m in enumerate(mine) if k not in used and m["title"] == t["title"]), None)
        if j is None and i < len(mine) and i not in used:
            j = i
        if j is not None:
            used.add(j)
        pairs.append((mine[j] if j is not None else None, t))
    pairs += [(m, None) for k, m in enumerate(mine) if k not in used]
    return pairs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--newsalertd", required=True)
    ap.add_argument("--corpus", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "feeds"))
    ap.add_argument("--min", type=float, default=0.98)
    args = ap.parse_args()
    with open(os.path.join(args.corpus, "expected.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    total = 0
    agree = {f: 0 for f in FIELDS}
    for spec in manifest["files"]:
        if not spec.get("feed", True) or "feedparser_skip" in spec:
            continue
        path = os.path.join(args.corpus, spec["file"])
        base = spec.get("base_url", manifest["base_url"])
        content_type = spec.get("content_type") or (
            "application/feed+json" if spec["file"].endswith(".json") else "application/xml")
        for mine, them in pair(ours(args.newsalertd, path, base, content_type), theirs(path, base, content_type)):
            total += 1
            for field in FIELDS:
                if mine is not None and them is not None and agrees(field, mine, them, base):
                    agree[field] += 1
                else:
                    print("DIFF %-32s %-9s ours=%r feedparser=%r" % (
                        spec["file"], field, mine and mine[field], them and them[field]))
    print("entries compared: %d" % total)
    ok = True
    for field in FIELDS:
        ratio = agree[field] / total if total else 0.0
        ok = ok and ratio >= args.min
        print("%-10s %4d/%d agree  %6.2f%%" % (field, agree[field], total, 100 * ratio))
    print("PASS" if ok else "FAIL: below %.0f%% on some field" % (100 * args.min))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
