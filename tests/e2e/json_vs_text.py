#!/usr/bin/env python3
"""json_vs_text.py MODE TEXT_FILE JSON_FILE: does xlvsadm's --json say what
its ipvsadm-format listing says?

The JSON is read with Python's json module; the text is read as ipvsadm
1.31 prints it (ipvsadm.c print_title / print_service_entry / list_conn,
the columns of shared/reference/lvs.md 2.5).  MODE is the listing:

  table            -L -n                 services, flags, persistence, servers
  stats            -L -n --stats --exact counters
  rate             -L -n --rate --exact  rates
  thresholds       -L -n --thresholds
  persistent-conn  -L -n --persistent-conn
  tun-info         -L -n --tun-info
  service          -L -n -t|-u VIP:PORT  one service, no version line
  conns            -L -c -n              connection entries
  timeout          -L --timeout

Prints what differs and exits 1, or prints what was compared and exits 0.
"""
import json
import re
import sys

ENDPOINT = re.compile(r"^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+)):(\d+)$")


def endpoint(word):
    m = ENDPOINT.match(word)
    if not m:
        raise SystemExit(f"not a numeric address:port: {word!r}")
    return (m.group(1) or m.group(2), int(m.group(3)))


SVC = re.compile(r"^(TCP|UDP) +(\S+) +(\S+)(?: \(([^)]*)\))?"
                 r"(?: persistent (\d+)(?: mask (\S+))?)?( ops)?$")


def parse_table(lines, with_version=True):
    """[(service dict, [server dict])] from -L -n's text."""
    if with_version:
        m = re.match(r"^IP Virtual Server version 1\.2\.1 \(size=(\d+)\)$", lines[0])
        if not m:
            raise SystemExit(f"no version line: {lines[0]!r}")
        size, lines = int(m.group(1)), lines[1:]
    else:
        size = None
    if lines[:2] != ["Prot LocalAddress:Port Scheduler Flags",
                     "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn"]:
        raise SystemExit(f"not -L -n's title: {lines[:2]!r}")
    services = []
    for line in lines[2:]:
        if line.startswith("  -> "):
            w = line[5:].split()
            addr, port = endpoint(w[0])
            services[-1][1].append({
                "address": addr, "port": port, "forward": w[1],
                "weight": int(w[2]), "active_conns": int(w[3]),
                "inactive_conns": int(w[4])})
            continue
        m = SVC.match(line)
        if not m:
            raise SystemExit(f"not a service line: {line!r}")
        addr, port = endpoint(m.group(2))
        persistent = None
        if m.group(5):
            persistent = {"timeout": int(m.group(5))}
            if m.group(6):
                persistent["mask"] = m.group(6)
        services.append(({
            "protocol": m.group(1), "address": addr, "port": port,
            "scheduler": m.group(3),
            "sched_flags": m.group(4).split(",") if m.group(4) else [],
            "persistent": persistent, "ops": bool(m.group(7))}, []))
    return size, services


def json_persistent(svc):
    p = svc["persistent"]
    if p is None:
        return None
    out = {"timeout": p["timeout"]}
    if ":" in svc["address"]:
        if p["prefix_len"] != 128:          # -L shows a v6 mask unless 128
            out["mask"] = str(p["prefix_len"])
    elif p["netmask"] != "255.255.255.255":
        out["mask"] = p["netmask"]
    return out


class Diff:
    def __init__(self):
        self.n, self.bad = 0, []

    def eq(self, what, text, js):
        self.n += 1
        if text != js:
            self.bad.append(f"{what}: text {text!r}, json {js!r}")


def check_table(d, text, doc, with_version=True):
    size, services = parse_table(text, with_version)
    if with_version:
        d.eq("size", size, doc["size"])
    d.eq("number of services", len(services), len(doc["services"]))
    for (svc, servers), js in zip(services, doc["services"]):
        name = f"{svc['protocol']} {svc['address']}:{svc['port']}"
        for k in ("protocol", "address", "port", "scheduler", "sched_flags", "ops"):
            d.eq(f"{name} {k}", svc[k], js[k])
        d.eq(f"{name} persistent", svc["persistent"], json_persistent(js))
        d.eq(f"{name} number of servers", len(servers), len(js["servers"]))
        for rs, jrs in zip(servers, js["servers"]):
            for k in rs:
                d.eq(f"{name} -> {rs['address']}:{rs['port']} {k}", rs[k], jrs[k])


def rows(text, title_words):
    """(endpoint words, numbers) of each row under a two-line title."""
    if text[0].startswith("IP Virtual Server"):
        text = text[1:]
    if text[0].split()[:2] != ["Prot", "LocalAddress:Port"] or \
            text[0].split()[2:] != title_words:
        raise SystemExit(f"unexpected title {text[0]!r}, want {title_words}")
    out = []
    for line in text[2:]:
        w = line.split()
        if w[0] == "->":
            out.append(("real", endpoint(w[1]), w[2:]))
        else:
            out.append((w[0], endpoint(w[1]), w[2:]))
    return out


def flat(doc):
    """The JSON's services and servers in listing order."""
    for s in doc["services"]:
        yield s["protocol"], s
        for r in s["servers"]:
            yield "real", r


def check_columns(d, text, doc, title, fn):
    got = rows(text, title)
    js = list(flat(doc))
    d.eq("number of rows", len(got), len(js))
    for (kind, ep, cols), (jkind, obj) in zip(got, js):
        name = f"{kind} {ep[0]}:{ep[1]}"
        d.eq(f"{name} kind", kind, jkind)
        d.eq(f"{name} endpoint", ep, (obj["address"], obj["port"]))
        want = fn(kind, obj)
        if kind != "real" and title[0] != "Conns" and title[0] != "CPS":
            cols = cols[:1]     # a service's line is -L's: its scheduler first
        d.eq(f"{name} {' '.join(title)}", cols, want)


def tun_info(obj):
    t = obj["tunnel"]
    if t is None:
        return "n/a"
    flag = {"nocsum": "-c", "csum": "+c", "remcsum": "r+c"}
    if t["type"] == "gue":
        return f"gue:{t['port']}:{flag[t['checksum']]}"
    if t["type"] == "gre":
        return f"gre:{flag[t['checksum']]}"
    return t["type"]


def check_conns(d, text, doc):
    if text[0] != "IPVS connection entries" or text[1].split() != \
            ["pro", "expire", "state", "source", "virtual", "destination"]:
        raise SystemExit(f"not -L -c's title: {text[:2]!r}")
    got = []
    for line in text[2:]:
        w = line.split()
        mm, ss = w[1].split(":")
        got.append((w[0], int(mm) * 60 + int(ss), w[2], endpoint(w[3]),
                    endpoint(w[4]), endpoint(w[5])))
    js = [(c["protocol"], c["expires"], c["state"],
           (c["client"]["address"], c["client"]["port"]),
           (c["virtual"]["address"], c["virtual"]["port"]),
           (c["destination"]["address"], c["destination"]["port"]))
          for c in doc["connections"]]
    d.eq("number of connections", len(got), len(js))
    # The same entries; an expiry may have ticked between the two reads.
    key = lambda e: (e[0], e[2], e[3], e[4], e[5])
    for g, j in zip(sorted(got, key=key), sorted(js, key=key)):
        d.eq("connection", key(g), key(j))
        d.n += 1
        if abs(g[1] - j[1]) > 2:
            d.bad.append(f"{key(g)} expires: text {g[1]} s, json {j[1]} s")


def main():
    mode, tfile, jfile = sys.argv[1:4]
    with open(tfile) as f:
        text = f.read().splitlines()
    with open(jfile) as f:
        doc = json.load(f)
    d = Diff()
    if mode == "table":
        check_table(d, text, doc)
    elif mode == "service":
        check_table(d, text, doc, with_version=False)
    elif mode == "stats":
        check_columns(d, text, doc, ["Conns", "InPkts", "OutPkts", "InBytes", "OutBytes"],
                      lambda k, o: [str(o["stats"][c]) for c in
                                    ("conns", "inpkts", "outpkts", "inbytes", "outbytes")])
    elif mode == "rate":
        check_columns(d, text, doc, ["CPS", "InPPS", "OutPPS", "InBPS", "OutBPS"],
                      lambda k, o: [str(o["rates"][c]) for c in
                                    ("cps", "inpps", "outpps", "inbps", "outbps")])
    elif mode == "thresholds":
        check_columns(d, text, doc, ["Uthreshold", "Lthreshold", "ActiveConn", "InActConn"],
                      lambda k, o: [o["scheduler"]] if k != "real" else
                      [str(o[c]) for c in ("u_threshold", "l_threshold",
                                           "active_conns", "inactive_conns")])
    elif mode == "persistent-conn":
        check_columns(d, text, doc, ["Weight", "PersistConn", "ActiveConn", "InActConn"],
                      lambda k, o: [o["scheduler"]] if k != "real" else
                      [str(o[c]) for c in ("weight", "persistent_conns",
                                           "active_conns", "inactive_conns")])
    elif mode == "tun-info":
        got = [l for l in text if l.startswith("  -> ") and "RemoteAddress" not in l]
        servers = [r for s in doc["services"] for r in s["servers"]]
        d.eq("number of servers", len(got), len(servers))
        for line, r in zip(got, servers):
            w = line[5:].split()
            d.eq(f"{w[0]} forward, tunnel, weight", w[1:4],
                 [r["forward"], tun_info(r), str(r["weight"])])
    elif mode == "conns":
        check_conns(d, text, doc)
    elif mode == "timeout":
        m = re.match(r"^Timeout \(tcp tcpfin udp\): (\d+) (\d+) (\d+)$", text[0])
        d.eq("timeouts", [int(x) for x in m.groups()],
             [doc["timeout"][k] for k in ("tcp", "tcpfin", "udp")])
    else:
        raise SystemExit(f"unknown mode {mode}")
    for b in d.bad:
        print(f"{mode}: {b}")
    if d.bad:
        return 1
    print(f"{mode}: {d.n} values the same in the text and the JSON")
    return 0


if __name__ == "__main__":
    sys.exit(main())
