#!/usr/bin/env python3
"""Polling load test: the real newsalertd against N loopback feeds (bench/load/load_server.cpp),
with Debian's newsboat refreshing the same feeds as the baseline. Loopback only.

Prints, per N: polls/s, CPU seconds per 1,000 polls (whole run and steady state), peak RSS,
share of polls within interval + 10 %, event-loop lag p99, entry-appeared -> webhook-received
p50/p99 and feed-response-sent -> webhook-received p99 (fetch complete -> webhook POST).
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

TICKS = os.sysconf("SC_CLK_TCK")
FAILED_POLLS = 'newsalert_feed_polls_total{result="failed"}'


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS   # utime, stime


def vm_hwm_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def get(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read().decode()


def stats(feed_base):
    return json.loads(get(feed_base.replace("/feed/", "/stats")))


def lag_p99(metrics_text):
    buckets = []
    for m in re.finditer(r'newsalert_event_loop_lag_seconds_bucket\{le="([^"]+)"\} (\d+)', metrics_text):
        le = float("inf") if m.group(1) == "+Inf" else float(m.group(1))
        buckets.append((le, int(m.group(2))))
    if not buckets or buckets[-1][1] == 0:
        return None, 0
    total = buckets[-1][1]
    for le, count in buckets:
        if count >= 0.99 * total:
            return le, total
    return buckets[-1][0], total


def metric(metrics_text, name):
    m = re.search(r"^" + re.escape(name) + r" ([0-9.e+-]+)$", metrics_text, re.M)
    return float(m.group(1)) if m else None


def start_server(build, feeds, fraction, publish_every, interval):
    proc = subprocess.Popen(
        [os.path.join(build, "bench/load/newsalert-loadserver"), "--feeds", str(feeds), "--fraction", str(fraction),
         "--publish-every", str(publish_every), "--interval", str(interval)],
        stdout=subprocess.PIPE, text=True)
    feed_base = proc.stdout.readline().split()[1]
    hook = proc.stdout.readline().split()[1]
    return proc, feed_base, hook


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def config_text(args, n, feed_base, hook, state_dir, listen, extra=""):
    """The daemon's config for n load feeds: the bench watchlist, one webhook, `extra` appended."""
    lines = [f"state_dir: {state_dir}",
             "network:\n  allow: [127.0.0.0/8]   # the load server is on loopback",
             f"poll:\n  interval: {args.interval:g}s\n  adaptive: false\n  concurrency: 64\n  per_host: 4",
             f"http:\n  listen: {listen}",
             "watchlists:\n  - name: bench\n    actors: [Khamenei]\n    regions: [Iran]\n"
             "    require: actor and region\n    stories: {distance: 0}\n    notify: [hook]",
             f"webhooks:\n  - name: hook\n    url: {hook}",
             "feeds:"]
    lines += [f"  - {feed_base}{i}" for i in range(1, n + 1)]
    return "\n".join(lines) + "\n" + extra


def start_daemon(args, config, log_path, env=None):
    log = open(log_path, "w")
    proc = subprocess.Popen([os.path.join(args.build, "daemon/newsalertd"), "run", "--config", config,
                             "--log-level", args.log_level], stdout=subprocess.DEVNULL, stderr=log,
                            env=None if env is None else dict(os.environ, **env))
    proc.log_path = log_path
    return proc


def warm_up_seconds(args):
    """The first interval: every poll is a full fetch of unseen entries."""
    return min(args.interval * 1.15, args.duration / 2)


def sleep_while_running(until, daemons):
    """Sleeps until the monotonic time `until`; raises with the log's tail if a daemon exits."""
    while time.monotonic() < until:
        time.sleep(min(1.0, max(0.0, until - time.monotonic())))
        for daemon in daemons:
            if daemon.poll() is not None:
                with open(daemon.log_path) as log:
                    tail = log.read()[-2000:]
                raise RuntimeError(f"newsalertd exited with {daemon.returncode}: {tail}")


def stop(proc, timeout):
    """SIGTERM, then SIGKILL after `timeout` seconds."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def run_daemon(args, n, workdir):
    server, feed_base, hook = start_server(args.build, n, args.fraction, args.interval, args.interval)
    admin_port = free_port()
    config = os.path.join(workdir, f"load-{n}.yaml")
    with open(config, "w") as f:
        f.write(config_text(args, n, feed_base, hook, os.path.join(workdir, f"state-{n}"), f"127.0.0.1:{admin_port}"))
    started = time.monotonic()
    daemon = start_daemon(args, config, os.path.join(workdir, f"daemon-{n}.log"))
    warm = warm_up_seconds(args)
    samples = {}
    try:
        sleep_while_running(started + warm, [daemon])
        samples["warm"] = (time.monotonic(), cpu_seconds(daemon.pid), stats(feed_base)["feed_requests"])
        sleep_while_running(started + args.duration, [daemon])
        end = (time.monotonic(), cpu_seconds(daemon.pid), None)
        final = stats(feed_base)
        metrics_text = get(f"http://127.0.0.1:{admin_port}/metrics")
        hwm = vm_hwm_mb(daemon.pid)
    finally:
        stop(daemon, 30)
        stop(server, 10)
    elapsed = end[0] - started
    polls = final["feed_requests"]
    w_t, w_cpu, w_polls = samples["warm"]
    steady_polls = polls - w_polls
    lag, lag_samples = lag_p99(metrics_text)
    return {
        "feeds": n,
        "seconds": elapsed,
        "polls": polls,
        "polls_per_s": polls / elapsed,
        "cpu_s": end[1],
        "cpu_share": end[1] / elapsed,
        "cpu_per_1000_polls": 1000 * end[1] / max(polls, 1),
        "steady_cpu_share": (end[1] - w_cpu) / (end[0] - w_t),
        "steady_polls_per_s": steady_polls / (end[0] - w_t),
        "steady_cpu_per_1000_polls": 1000 * (end[1] - w_cpu) / max(steady_polls, 1),
        "first_round_cpu_per_1000_polls": 1000 * w_cpu / max(w_polls, 1),
        "vm_hwm_mb": hwm,
        "on_time_share": final["on_time_share"],
        "poll_gaps": final["poll_gaps"],
        "lag_p99_s": lag,
        "lag_max_s": metric(metrics_text, "newsalert_event_loop_lag_max_seconds"),
        "lag_samples": lag_samples,
        "failed_polls": metric(metrics_text, FAILED_POLLS),
        "connections": final["feed_connections_opened"],
        "hook_connections": final["hook_connections_opened"],
        "http_transfers": metric(metrics_text, "newsalert_http_transfers_total"),
        "http_new_connections": metric(metrics_text, "newsalert_http_connections_total"),
        "published": final["entries_published"],
        "alerted": final["entries_alerted"],
        "missing": final["entries_missing"],
        "appeared_p50_ms": final["appeared_to_webhook_ms"]["p50"],
        "appeared_p99_ms": final["appeared_to_webhook_ms"]["p99"],
        "served_p50_ms": final["served_to_webhook_ms"]["p50"],
        "served_p99_ms": final["served_to_webhook_ms"]["p99"],
        "served_count": final["served_to_webhook_ms"]["count"],
        "responses_200": final["responses_200"],
        "responses_304": final["responses_304"],
    }


def ensure_newsboat():
    if shutil.which("newsboat"):
        return True
    print("newsboat is not installed; installing it with apt-get (Debian's package) for the baseline", flush=True)
    cmd = ["apt-get", "install", "-y", "-q", "newsboat"]
    if os.geteuid() != 0:
        cmd = ["sudo", "-n"] + cmd
    return subprocess.call(cmd, stdout=subprocess.DEVNULL) == 0 and shutil.which("newsboat") is not None


def run_newsboat(args, n, workdir):
    # No publications during the refreshes: the same documents for the cold and the warm run.
    server, feed_base, _ = start_server(args.build, n, 0.0, 3600, args.interval)
    home = os.path.join(workdir, "newsboat")
    os.makedirs(home, exist_ok=True)
    urls = os.path.join(home, "urls")
    with open(urls, "w") as f:
        for i in range(1, n + 1):
            f.write(f"{feed_base}{i}\n")
    conf = os.path.join(home, "config")
    with open(conf, "w") as f:
        f.write(f"reload-threads {args.newsboat_threads}\n")
    cache = os.path.join(home, "cache.db")
    env = dict(os.environ, HOME=home, TERM="dumb")
    runs = []
    try:
        for label in ("cold", "warm"):
            before = os.times()
            t0 = time.monotonic()
            rc = subprocess.call(["newsboat", "-x", "reload", "-u", urls, "-C", conf, "-c", cache],
                                 env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wall = time.monotonic() - t0
            after = os.times()
            cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
            runs.append({"label": label, "rc": rc, "wall_s": wall, "cpu_s": cpu})
        st = stats(feed_base)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(10)
    return {"feeds": n, "runs": runs, "requests": st["feed_requests"], "responses_200": st["responses_200"],
            "responses_304": st["responses_304"], "connections": st["feed_connections_opened"]}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=os.path.join(os.path.dirname(here), "build"))
    parser.add_argument("--feeds", default="1000,10000", help="comma-separated feed counts")
    parser.add_argument("--duration", type=float, default=180, help="seconds per feed count")
    parser.add_argument("--interval", type=float, default=60, help="poll interval and publication period, seconds")
    parser.add_argument("--fraction", type=float, default=0.1, help="share of feeds given a new entry per period")
    parser.add_argument("--log-level", default="info")
    parser.add_argument("--newsboat-feeds", type=int, default=1000, help="0 skips the newsboat baseline")
    parser.add_argument("--newsboat-threads", type=int, default=4)
    parser.add_argument("--json", help="also write the raw figures here")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="newsalert-load-")
    load = subprocess.check_output(["cat", "/proc/loadavg"], text=True).split()[:3]
    print(f"load test: {args.duration:.0f} s per run, interval {args.interval:.0f} s, {args.fraction:.0%} of feeds "
          f"get a new entry per interval; {os.cpu_count()} cores, load average before {' '.join(load)}", flush=True)
    results = {"daemon": [], "newsboat": None, "loadavg_before": load}
    try:
        for n in [int(x) for x in args.feeds.split(",") if x]:
            print(f"  running newsalertd on {n} feeds ...", flush=True)
            results["daemon"].append(run_daemon(args, n, workdir))
        if args.newsboat_feeds > 0:
            if ensure_newsboat():
                print(f"  running newsboat -x reload on {args.newsboat_feeds} feeds (cold, then warm cache) ...",
                      flush=True)
                results["newsboat"] = run_newsboat(args, args.newsboat_feeds, workdir)
            else:
                print("  newsboat unavailable (apt-get failed): baseline skipped", flush=True)
    finally:
        results["loadavg_after"] = subprocess.check_output(["cat", "/proc/loadavg"], text=True).split()[:3]
        if os.environ.get("KEEP") != "1":
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"  kept {workdir}")

    print()
    print("newsalertd (loopback feeds, HTTP/1.1 keep-alive, per_host 4)")
    header = ("feeds", "polls/s", "CPU share", "CPU s/1k polls", "steady CPU", "steady s/1k", "peak RSS",
              "on time", "lag p99", "conns", "appeared->hook p50/p99", "fetched->hook p99")
    print("  " + " | ".join(header))
    for r in results["daemon"]:
        lag = "n/a" if r["lag_p99_s"] is None else f"<= {r['lag_p99_s'] * 1000:g} ms"
        print("  " + " | ".join([
            f"{r['feeds']}", f"{r['polls_per_s']:.1f}", f"{r['cpu_share']:.3f}", f"{r['cpu_per_1000_polls']:.3f}",
            f"{r['steady_cpu_share']:.3f}", f"{r['steady_cpu_per_1000_polls']:.3f}", f"{r['vm_hwm_mb']:.0f} MB",
            f"{r['on_time_share'] * 100:.2f}% of {r['poll_gaps']}", lag, f"{r['connections']}",
            f"{r['appeared_p50_ms'] / 1000:.1f} s / {r['appeared_p99_ms'] / 1000:.1f} s",
            f"{r['served_p99_ms']:.1f} ms"]))
        print(f"    {r['polls']} polls ({r['responses_200']} x 200, {r['responses_304']} x 304), "
              f"{r['published']} entries published, {r['alerted']} alerted, {r['missing']} missing; "
              f"curl: {r['http_transfers']:.0f} transfers on {r['http_new_connections']:.0f} new connections; "
              f"lag max {r['lag_max_s'] * 1000 if r['lag_max_s'] is not None else float('nan'):.1f} ms")
    nb = results["newsboat"]
    if nb:
        print()
        print(f"newsboat {subprocess.check_output(['newsboat', '-v'], text=True).splitlines()[0].strip()} "
              f"(reload-threads {args.newsboat_threads}) on the same {nb['feeds']} loopback feeds")
        for run in nb["runs"]:
            print(f"  {run['label']:4} refresh: wall {run['wall_s']:.2f} s, CPU {run['cpu_s']:.2f} s "
                  f"= {1000 * run['cpu_s'] / nb['feeds']:.2f} CPU ms per feed (exit {run['rc']})")
        print(f"  server saw {nb['requests']} requests ({nb['responses_200']} x 200, {nb['responses_304']} x 304) "
              f"on {nb['connections']} connections")
        ours = next((r for r in results["daemon"] if r["feeds"] == nb["feeds"]), None)
        if ours:
            print(f"  newsalertd on {nb['feeds']} feeds: {ours['first_round_cpu_per_1000_polls']:.2f} CPU ms per feed "
                  f"in its first round (start-up and full fetches included), "
                  f"{ours['cpu_per_1000_polls']:.2f} over the whole run, "
                  f"{ours['steady_cpu_per_1000_polls']:.2f} in steady state")
    print(f"\nload average before {' '.join(results['loadavg_before'])}, after {' '.join(results['loadavg_after'])}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
