#!/usr/bin/env python3
"""Cluster load test: three nats-servers (JetStream, R3) and three newsalertd reading one config
poll N loopback feeds (bench/load/load_server.cpp); the baseline, in the same run, is one
newsalertd without a cluster section on the same feeds (bench/run_load.py's run). Loopback only.

Prints, for both: polls/s, CPU seconds per 1,000 polls (the daemons together; the nats-servers
apart and in the total), feed-response-sent -> webhook-received p99, event-loop lag p99 per
daemon, each node's shared-log position and conflicts, and the nats-servers' messages a second in
the steady window (from their /varz, /routez and /jsz). Then kill -9 of one node: how long after
the kill each feed it owned was polled again, and how late that was against its schedule.
--nats-profile DIR also stores each server's Go CPU profile of the steady window (read it with
`go tool pprof -top /usr/sbin/nats-server DIR/n0.pprof`; Debian's golang-go).
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import run_load as load

NODE_NAMES = "abcdefghij"


def nats_binary():
    for candidate in ("/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"):
        if os.access(candidate, os.X_OK):
            return candidate
    sys.exit("nats-server not found (Debian package nats-server; scripts/setup installs it)")


def start_nats(workdir, count, profile=False):
    """`count` clustered nats-servers with JetStream on loopback, as tests/support/nats_cluster.cpp
    starts them; returns once every one has caught up with the meta leader."""
    servers = [{"name": f"n{i}", "client": load.free_port(), "route": load.free_port(), "monitor": load.free_port(),
                "profile": load.free_port() if profile else None} for i in range(count)]
    for server in servers:
        store = os.path.join(workdir, "nats", server["name"])
        os.makedirs(store, exist_ok=True)
        routes = "".join(f"    nats-route://127.0.0.1:{other['route']}\n" for other in servers if other is not server)
        config = os.path.join(workdir, "nats", server["name"] + ".conf")
        with open(config, "w") as f:
            f.write(f"server_name: {server['name']}\nlisten: 127.0.0.1:{server['client']}\n"
                    f"http: 127.0.0.1:{server['monitor']}\n" +
                    (f"prof_port: {server['profile']}\n" if server["profile"] else "") +
                    f"jetstream {{\n  store_dir: \"{store}\"\n  max_memory_store: 64MB\n  max_file_store: 8GB\n}}\n"
                    f"cluster {{\n  name: newsalert-bench\n  listen: 127.0.0.1:{server['route']}\n"
                    f"  routes: [\n{routes}  ]\n}}\n")
        log = open(os.path.join(workdir, "nats", server["name"] + ".log"), "w")
        server["proc"] = subprocess.Popen([nats_binary(), "-c", config], stdin=subprocess.DEVNULL, stdout=log,
                                          stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while not all(nats_ready(server, servers) for server in servers):
        if time.monotonic() > deadline:
            stop_nats(servers)
            raise RuntimeError("JetStream not ready after 60 s; see " + os.path.join(workdir, "nats"))
        time.sleep(0.2)
    return servers


def nats_ready(server, servers):
    """Healthy, a meta leader known, and the leader lists every other server as current."""
    try:
        load.get(f"http://127.0.0.1:{server['monitor']}/healthz", timeout=2)
        meta = json.loads(load.get(f"http://127.0.0.1:{server['monitor']}/jsz", timeout=2)).get("meta_cluster", {})
    except OSError:
        return False
    if not meta.get("leader"):
        return False
    if meta["leader"] != server["name"]:
        return True
    replicas = meta.get("replicas") or []
    return len(replicas) + 1 >= len(servers) and all(r.get("current") for r in replicas)


def stop_nats(servers):
    for server in servers:
        if server["proc"].poll() is None:
            server["proc"].kill()
            server["proc"].wait()


def cluster_config(args, n, feed_base, hook, nats):
    """One file for every node: what differs per node comes from the environment."""
    urls = ", ".join(f"nats://127.0.0.1:{server['client']}" for server in nats)
    cluster = (f"cluster:\n  nats: [{urls}]\n  node: ${{NEWSALERT_NODE}}\n"
               f"  heartbeat: {args.heartbeat * 1000:g}ms\n  member_timeout: {args.member_timeout:g}s\n")
    return load.config_text(args, n, feed_base, hook, "${STATE_DIR}", "127.0.0.1:${ADMIN_PORT}", cluster)


def node_status(node):
    return json.loads(load.get(f"http://127.0.0.1:{node['port']}/v1/status", timeout=30))


def node_metrics(node):
    return load.get(f"http://127.0.0.1:{node['port']}/metrics", timeout=30)


def log_counters(status):
    cluster = status.get("cluster") or {}
    return {"log_position": cluster.get("log_position"), "log_conflicts": cluster.get("log_conflicts"),
            "log_rebased": cluster.get("log_rebased"), "polls_total": status.get("polls_total")}


def nats_counters(nats):
    """Messages the servers received (all, and from the other servers over routes) and each stream's
    last sequence, summed over the servers (streams: as the first server reports them)."""
    counters = {"in_msgs": 0, "route_in_msgs": 0, "streams": {}}
    for server in nats:
        base = f"http://127.0.0.1:{server['monitor']}"
        counters["in_msgs"] += json.loads(load.get(base + "/varz"))["in_msgs"]
        counters["route_in_msgs"] += sum(r["in_msgs"] for r in json.loads(load.get(base + "/routez"))["routes"] or [])
    jsz = json.loads(load.get(f"http://127.0.0.1:{nats[0]['monitor']}/jsz?streams=1"))
    for account in jsz.get("account_details") or []:
        for stream in account.get("stream_detail") or []:
            counters["streams"][stream["name"]] = stream["state"]["last_seq"]
    return counters


def sample(nodes, nats, feed_base):
    return {"t": time.monotonic(), "daemon_cpu": {node["name"]: load.cpu_seconds(node["proc"].pid) for node in nodes},
            "nats_cpu": sum(load.cpu_seconds(server["proc"].pid) for server in nats),
            "nats": nats_counters(nats), "polls": load.stats(feed_base)["feed_requests"]}


def nats_rates(warm, end):
    seconds = end["t"] - warm["t"]
    rate = lambda key: (end["nats"][key] - warm["nats"][key]) / seconds
    return {"in_msgs_per_s": rate("in_msgs"), "route_in_msgs_per_s": rate("route_in_msgs"),
            "stream_msgs_per_s": {name: (last - warm["nats"]["streams"].get(name, 0)) / seconds
                                  for name, last in end["nats"]["streams"].items()}}


def profile_nats(nats, seconds, directory):
    """Threads that store each server's CPU profile of the next `seconds` in `directory`."""
    os.makedirs(directory, exist_ok=True)

    def fetch(server):
        url = f"http://127.0.0.1:{server['profile']}/debug/pprof/profile?seconds={seconds}"
        with urllib.request.urlopen(url, timeout=seconds + 30) as r, \
                open(os.path.join(directory, server["name"] + ".pprof"), "wb") as out:
            out.write(r.read())

    threads = [threading.Thread(target=fetch, args=(server,)) for server in nats]
    for thread in threads:
        thread.start()
    return threads


def per_1000(cpu, polls):
    return 1000 * cpu / max(polls, 1)


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(p * (len(values) - 1) + 0.5))]


def failover(feed_base, victim, owners, killed_ms, interval_s):
    """For each feed the victim owned: seconds from the kill to its next poll, and how late that
    poll came against its schedule (last poll + interval, or the kill if that was later). Polls
    within a second of the kill are the victim's own requests still in the server's buffers: no
    survivor can notice the death before member_timeout."""
    around = json.loads(load.get(feed_base.replace("/feed/", f"/polls-around?at={killed_ms + 1000:.0f}"), timeout=60))
    after, late, never = [], [], []
    for url, owner in owners.items():
        if owner != victim:
            continue
        before_ms, next_ms = around[url.rsplit("/", 1)[1]]
        if next_ms is None:
            never.append(url)
            continue
        after.append((next_ms - killed_ms) / 1000)
        due = killed_ms if before_ms is None else max(killed_ms, before_ms + interval_s * 1000)
        late.append(max(0.0, (next_ms - due) / 1000))
    return {"feeds": len(after) + len(never), "never_polled": len(never),
            "after_p50_s": percentile(after, 0.5), "after_max_s": max(after) if after else None,
            "late_p50_s": percentile(late, 0.5), "late_p99_s": percentile(late, 0.99),
            "late_max_s": max(late) if late else None}


def wait_for_owners(nodes, n, timeout):
    """Feed URL -> owner, once the first node's status gives every feed one."""
    deadline = time.monotonic() + timeout
    while True:
        owners = {feed["url"]: feed.get("owner", "") for feed in node_status(nodes[0])["feeds"]}
        if len(owners) == n and all(owners.values()):
            return owners
        if time.monotonic() > deadline:
            raise RuntimeError("feeds without an owner after the warm-up")
        time.sleep(1)


def start_node(args, name, config, workdir):
    port = load.free_port()
    env = {"NEWSALERT_NODE": name, "STATE_DIR": os.path.join(workdir, f"state-{name}"), "ADMIN_PORT": str(port)}
    proc = load.start_daemon(args, config, os.path.join(workdir, f"daemon-{name}.log"), env)
    return {"name": name, "port": port, "proc": proc}


def wait_joined(node, timeout):
    """Until the node's admin listener answers, which it opens once it has joined the cluster."""
    deadline = time.monotonic() + timeout
    while True:
        load.sleep_while_running(time.monotonic() + 0.2, [node["proc"]])
        try:
            node_status(node)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"node {node['name']} has not joined after {timeout:g} s")


def start_nodes(args, count, config, workdir):
    """The first node alone until it has joined (it creates the streams and buckets: nodes that
    all start at once on new servers can time out creating them, and stop), then the others."""
    first = start_node(args, NODE_NAMES[0], config, workdir)
    wait_joined(first, 60)
    return [first] + [start_node(args, name, config, workdir) for name in NODE_NAMES[1:count]]


def run_cluster(args, n, workdir):
    server, feed_base, hook = load.start_server(args.build, n, args.fraction, args.interval, args.interval)
    nats, nodes = [], []
    try:
        nats = start_nats(workdir, 3, profile=bool(args.nats_profile))
        config = os.path.join(workdir, f"cluster-{n}.yaml")
        with open(config, "w") as f:
            f.write(cluster_config(args, n, feed_base, hook, nats))
        nats_cpu_at_start = sum(load.cpu_seconds(s["proc"].pid) for s in nats)
        started = time.monotonic()
        nodes = start_nodes(args, args.nodes, config, workdir)
        procs = [node["proc"] for node in nodes]
        load.sleep_while_running(started + load.warm_up_seconds(args), procs)
        warm = sample(nodes, nats, feed_base)
        steady_s = started + args.duration - time.monotonic()
        profiles = profile_nats(nats, max(1, min(30, int(steady_s) - 2)), args.nats_profile) if args.nats_profile else []
        load.sleep_while_running(started + args.duration, procs)
        for thread in profiles:
            thread.join()
        end = sample(nodes, nats, feed_base)
        before_kill = load.stats(feed_base)
        statuses = {node["name"]: node_status(node) for node in nodes}
        metrics = {node["name"]: node_metrics(node) for node in nodes}
        owners = wait_for_owners(nodes, n, 30)

        victim = nodes[-1] if args.kill is None else next(node for node in nodes if node["name"] == args.kill)
        victim["proc"].send_signal(signal.SIGKILL)
        killed_ms = time.time() * 1000
        killed = time.monotonic()
        victim["proc"].wait()
        survivors = [node for node in nodes if node is not victim]
        load.sleep_while_running(killed + args.failover_duration, [node["proc"] for node in survivors])
        moved = failover(feed_base, victim["name"], owners, killed_ms, args.interval)
        after_kill = load.stats(feed_base)
        final_statuses = {node["name"]: node_status(node) for node in survivors}
    finally:
        for node in nodes:
            load.stop(node["proc"], 30)
        stop_nats(nats)
        load.stop(server, 10)

    elapsed = end["t"] - started
    steady_polls = end["polls"] - warm["polls"]
    daemon_cpu = sum(end["daemon_cpu"].values())
    steady_daemon_cpu = daemon_cpu - sum(warm["daemon_cpu"].values())
    nats_cpu = end["nats_cpu"] - nats_cpu_at_start
    steady_nats_cpu = end["nats_cpu"] - warm["nats_cpu"]
    share = {}
    for owner in owners.values():
        share[owner] = share.get(owner, 0) + 1
    return {
        "feeds": n, "nodes": args.nodes, "seconds": elapsed, "polls": end["polls"],
        "polls_per_s": end["polls"] / elapsed,
        "steady_polls_per_s": steady_polls / (end["t"] - warm["t"]),
        "cpu_per_1000_polls": per_1000(daemon_cpu, end["polls"]),
        "steady_cpu_per_1000_polls": per_1000(steady_daemon_cpu, steady_polls),
        "nats_cpu_per_1000_polls": per_1000(nats_cpu, end["polls"]),
        "steady_nats_cpu_per_1000_polls": per_1000(steady_nats_cpu, steady_polls),
        "steady_total_cpu_per_1000_polls": per_1000(steady_daemon_cpu + steady_nats_cpu, steady_polls),
        "steady_cpu_share": steady_daemon_cpu / (end["t"] - warm["t"]),
        "steady_nats_cpu_share": steady_nats_cpu / (end["t"] - warm["t"]),
        "daemon_cpu_s": end["daemon_cpu"],
        "nats_steady": nats_rates(warm, end),
        "on_time_share": before_kill["on_time_share"], "poll_gaps": before_kill["poll_gaps"],
        "served_p50_ms": before_kill["served_to_webhook_ms"]["p50"],
        "served_p99_ms": before_kill["served_to_webhook_ms"]["p99"],
        "served_count": before_kill["served_to_webhook_ms"]["count"],
        "published": before_kill["entries_published"], "alerted": before_kill["entries_alerted"],
        "missing": before_kill["entries_missing"], "webhooks_received": before_kill["webhooks_received"],
        "responses_200": before_kill["responses_200"], "responses_304": before_kill["responses_304"],
        "metrics": {name: {"p99_s": load.lag_p99(text)[0],
                       "max_s": load.metric(text, "newsalert_event_loop_lag_max_seconds"),
                       "failed_polls": load.metric(text, load.FAILED_POLLS),
                       "log_appends": load.metric(text, "newsalert_cluster_log_appends_total"),
                       "log_pending": load.metric(text, "newsalert_cluster_log_pending")}
                for name, text in metrics.items()},
        "log": {name: log_counters(status) for name, status in statuses.items()},
        "log_after_failover": {name: log_counters(status) for name, status in final_statuses.items()},
        "owners": share, "victim": victim["name"], "failover": moved,
        "after_kill": {key: after_kill[key] for key in ("entries_published", "entries_alerted", "entries_missing",
                                                        "webhooks_received", "feed_requests")},
    }


def verdict(ok):
    return "PASS" if ok else "FAIL"


def ms(seconds):
    return "n/a" if seconds is None else f"<= {seconds * 1000:g} ms"


def report(single, cl, args):
    print()
    print(f"{cl['feeds']} feeds at {args.interval:g} s; single node, then {cl['nodes']} nodes on 3 nats-servers (R3)")
    header = ("run", "polls/s (steady)", "daemon CPU s/1k polls (steady)", "nats CPU s/1k (steady)",
              "total s/1k (steady)", "on time", "fetched->hook p50 / p99")
    print("  " + " | ".join(header))
    print("  " + " | ".join([
        "single", f"{single['polls_per_s']:.1f} ({single['steady_polls_per_s']:.1f})",
        f"{single['cpu_per_1000_polls']:.3f} ({single['steady_cpu_per_1000_polls']:.3f})", "-",
        f"{single['steady_cpu_per_1000_polls']:.3f}", f"{single['on_time_share'] * 100:.2f}% of {single['poll_gaps']}",
        f"{single['served_p50_ms']:.1f} / {single['served_p99_ms']:.1f} ms"]))
    print("  " + " | ".join([
        "cluster", f"{cl['polls_per_s']:.1f} ({cl['steady_polls_per_s']:.1f})",
        f"{cl['cpu_per_1000_polls']:.3f} ({cl['steady_cpu_per_1000_polls']:.3f})",
        f"{cl['nats_cpu_per_1000_polls']:.3f} ({cl['steady_nats_cpu_per_1000_polls']:.3f})",
        f"{cl['steady_total_cpu_per_1000_polls']:.3f}", f"{cl['on_time_share'] * 100:.2f}% of {cl['poll_gaps']}",
        f"{cl['served_p50_ms']:.1f} / {cl['served_p99_ms']:.1f} ms"]))
    print(f"  single: steady CPU {single['steady_cpu_share']:.3f} of a core, loop lag p99 {ms(single['lag_p99_s'])}, "
          f"{single['failed_polls'] or 0:.0f} failed polls, "
          f"{single['published']} entries published, {single['alerted']} alerted, {single['missing']} missing")
    print(f"  cluster: steady CPU {cl['steady_cpu_share']:.3f} of a core (daemons) + {cl['steady_nats_cpu_share']:.3f} "
          f"(nats-servers); {cl['published']} entries published, {cl['alerted']} alerted, {cl['missing']} missing, "
          f"{cl['webhooks_received']} webhook POSTs; "
          f"{cl['responses_200']} x 200, {cl['responses_304']} x 304")
    for name in sorted(cl["log"]):
        lag, log = cl["metrics"][name], cl["log"][name]
        lag_max = "n/a" if lag["max_s"] is None else f"{lag['max_s'] * 1000:.1f} ms"
        print(f"    node {name}: {cl['owners'].get(name, 0)} feeds, {log['polls_total']} polls, "
              f"{lag['failed_polls'] or 0:.0f} failed, CPU {cl['daemon_cpu_s'][name]:.1f} s, "
              f"loop lag p99 {ms(lag['p99_s'])} (max {lag_max}), "
              f"log_position {log['log_position']}, log_conflicts {log['log_conflicts']} "
              f"({log['log_rebased']} kept), "
              f"appended {lag['log_appends'] or 0:.0f}, pending {lag['log_pending'] or 0:.0f}")
    m = cl["nats_steady"]
    streams = ", ".join(f"{name} {rate:.1f}" for name, rate in sorted(m["stream_msgs_per_s"].items()) if rate > 0)
    print(f"  nats-servers (steady): {m['in_msgs_per_s']:.0f} messages/s received, {m['route_in_msgs_per_s']:.0f} of "
          f"them from each other over routes; stored per second: {streams or 'nothing'}")
    f = cl["failover"]
    print(f"  kill -9 of node {cl['victim']} ({f['feeds']} feeds): next poll after the kill p50 {f['after_p50_s']:.1f} s, "
          f"max {f['after_max_s']:.1f} s; late against schedule p50 {f['late_p50_s']:.1f} s, "
          f"p99 {f['late_p99_s']:.1f} s, max {f['late_max_s']:.1f} s; {f['never_polled']} never polled again")
    a = cl["after_kill"]
    print(f"    by the end: {a['entries_published']} published, {a['entries_alerted']} alerted, "
          f"{a['entries_missing']} missing, {a['webhooks_received']} webhook POSTs; survivors' log: " +
          ", ".join(f"{name} {log['log_position']} / {log['log_conflicts']} conflicts"
                    for name, log in sorted(cl["log_after_failover"].items())))
    ratio = cl["steady_cpu_per_1000_polls"] / max(single["steady_cpu_per_1000_polls"], 1e-9)
    print("\nfloors (reported, never enforced):")
    print(f"  cluster CPU per 1,000 polls <= 2x single node: {ratio:.2f}x (steady, daemons only; "
          f"{cl['steady_total_cpu_per_1000_polls'] / max(single['steady_cpu_per_1000_polls'], 1e-9):.2f}x "
          f"with the nats-servers)  {verdict(ratio <= 2)}")
    print(f"  fetch complete -> webhook p99 <= 100 ms: {cl['served_p99_ms']:.1f} ms  {verdict(cl['served_p99_ms'] <= 100)}")
    print(f"  failover <= 30 s: max {f['after_max_s']:.1f} s after the kill  "
          f"{verdict(f['after_max_s'] is not None and f['after_max_s'] <= 30 and f['never_polled'] == 0)}"
          f" (late against schedule: max {f['late_max_s']:.1f} s)")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=os.path.join(os.path.dirname(here), "build"))
    parser.add_argument("--feeds", type=int, default=10000)
    parser.add_argument("--nodes", type=int, default=3, help="daemons in the cluster (nats-servers: always 3)")
    parser.add_argument("--duration", type=float, default=150, help="seconds of the single node and of the cluster")
    parser.add_argument("--failover-duration", type=float, default=None,
                        help="seconds after the kill (default: interval + 15)")
    parser.add_argument("--interval", type=float, default=60, help="poll interval and publication period, seconds")
    parser.add_argument("--fraction", type=float, default=0.1, help="share of feeds given a new entry per period")
    parser.add_argument("--kill", help="the node to kill -9 (default: the last)")
    parser.add_argument("--heartbeat", type=float, default=0.5,
                        help="cluster.heartbeat, seconds (the daemon's default: 2)")
    parser.add_argument("--member-timeout", type=float, default=3.0,
                        help="cluster.member_timeout, seconds (the daemon's default: 10)")
    parser.add_argument("--log-level", default="info")
    parser.add_argument("--json", help="also write the raw figures here")
    parser.add_argument("--nats-profile", metavar="DIR",
                        help="store each nats-server's CPU profile of the steady window (30 s at most) here")
    args = parser.parse_args()
    if args.failover_duration is None:
        args.failover_duration = args.interval + 15
    if not 2 <= args.nodes <= len(NODE_NAMES):
        parser.error(f"--nodes must be 2 to {len(NODE_NAMES)}")

    workdir = tempfile.mkdtemp(prefix="newsalert-cluster-")
    load_before = open("/proc/loadavg").read().split()[:3]
    print(f"cluster test: {args.feeds} feeds, interval {args.interval:g} s, {args.duration:g} s per run, "
          f"{args.failover_duration:g} s after the kill, heartbeat {args.heartbeat:g} s, member_timeout "
          f"{args.member_timeout:g} s; {os.cpu_count()} cores, load average before "
          f"{' '.join(load_before)}", flush=True)
    try:
        print(f"  running one newsalertd (no cluster) on {args.feeds} feeds ...", flush=True)
        single = load.run_daemon(args, args.feeds, workdir)
        print(f"  running {args.nodes} newsalertd on 3 nats-servers, then kill -9 of one ...", flush=True)
        cl = run_cluster(args, args.feeds, workdir)
    finally:
        load_after = open("/proc/loadavg").read().split()[:3]
        if os.environ.get("KEEP") != "1":
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"  kept {workdir}")
    report(single, cl, args)
    print(f"\nload average before {' '.join(load_before)}, after {' '.join(load_after)}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"single": single, "cluster": cl, "loadavg_before": load_before, "loadavg_after": load_after},
                      f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
