#!/usr/bin/env python3
"""Parse throughput of Python's feedparser over the same directory: the baseline for parse_bench."""
import os
import sys
import time

import feedparser


def main():
    folder = sys.argv[1]
    docs = []
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), "rb") as f:
            docs.append(f.read())
    size = sum(len(d) for d in docs)
    start = time.process_time()  # CPU time, as parse_bench measures: the machine may be shared
    entries = 0
    for d in docs:
        entries += len(feedparser.parse(d, response_headers={"content-location": "https://news.example/feed"}).entries)
    seconds = time.process_time() - start
    print("feedparser  xml   files=%d  MB=%.1f  entries=%d  cpu_seconds=%.3f  MB/s=%.2f  entries/s=%.0f"
          % (len(docs), size / 1e6, entries, seconds, size / 1e6 / seconds, entries / seconds))


if __name__ == "__main__":
    main()
