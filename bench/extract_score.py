#!/usr/bin/python3
"""Scores extraction on Readability's test pages: token-level F1 against expected.html for newsalert,
the whole page's visible text and readability-lxml, and prints the table bench/run_extract.sh shows.

usage: extract_score.py PAGES_DIR TEXTS_DIR   (TEXTS_DIR holds NAME.ours.txt and NAME.page.txt)
"""
import collections
import html.parser
import os
import re
import sys

from readability import Document

TOKEN = re.compile(r"\w+", re.UNICODE)


class VisibleText(html.parser.HTMLParser):
    """The text a browser shows: everything outside script, style, template and head."""
    HIDDEN = {"script", "style", "template", "head", "noscript", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden > 0:
            self.hidden -= 1
        self.parts.append(" ")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(markup):
    parser = VisibleText()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts)


def tokens(text):
    return collections.Counter(TOKEN.findall(text.lower()))


def f1(got, expected):
    if not got or not expected:
        return 1.0 if not got and not expected else 0.0
    overlap = sum((got & expected).values())
    if overlap == 0:
        return 0.0
    precision, recall = overlap / sum(got.values()), overlap / sum(expected.values())
    return 2 * precision * recall / (precision + recall)


def read(path):
    with open(path, "rb") as f:
        return f.read().decode("utf-8", errors="replace")


def lxml_text(source):
    try:
        return visible_text(Document(source).summary())
    except Exception:  # readability-lxml raises on pages it cannot parse; that page scores 0
        return ""


def main():
    pages, texts = sys.argv[1], sys.argv[2]
    rows = []
    for name in sorted(os.listdir(pages)):
        expected_path = os.path.join(pages, name, "expected.html")
        if not os.path.exists(expected_path):
            continue
        expected = tokens(visible_text(read(expected_path)))
        ours = tokens(read(os.path.join(texts, name + ".ours.txt")))
        page = tokens(read(os.path.join(texts, name + ".page.txt")))
        lxml = tokens(lxml_text(read(os.path.join(pages, name, "source.html"))))
        rows.append((name, bool(expected), {"newsalert": ours, "lxml": lxml, "page": page}, expected))
    systems = ["newsalert", "lxml", "page"]
    print("%-40s %10s %10s %10s" % ("page", "newsalert", "readab-lxml", "whole-page"))
    means = {s: 0.0 for s in systems}
    empties = {s: [] for s in systems}
    for name, has_text, got, expected in rows:
        scores = {s: f1(got[s], expected) for s in systems}
        for s in systems:
            means[s] += scores[s] / len(rows)
            if has_text and not got[s]:
                empties[s].append(name)
        print("%-40s %10.3f %10.3f %10.3f" % (name, scores["newsalert"], scores["lxml"], scores["page"]))
    print("%-40s %10.3f %10.3f %10.3f" % ("MEAN F1 (%d pages)" % len(rows), means["newsalert"], means["lxml"], means["page"]))
    print("%-40s %10d %10d %10d" % ("empty while expected has text", len(empties["newsalert"]), len(empties["lxml"]),
                                    len(empties["page"])))
    for s in systems:
        if empties[s]:
            print("  empty (%s): %s" % (s, ", ".join(empties[s])))
    print("floor mean F1 above readability-lxml: %s" % ("met" if means["newsalert"] > means["lxml"] else "NOT met"))
    print("floor no empty extraction: %s" % ("met" if not empties["newsalert"] else "NOT met"))
    return 0 if means["newsalert"] > means["lxml"] and not empties["newsalert"] else 1


if __name__ == "__main__":
    sys.exit(main())
