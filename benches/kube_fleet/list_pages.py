#!/usr/bin/env python3
"""How long the API server takes to hand over the fleet the way a kube-rs watcher's first list
asks for it: every kind at once, limit=500 pages, no resourceVersion (ListSemantic::MostRecent,
kube-rs 5's default: consistent reads paged from etcd), or with --any resourceVersion=0
(ListSemantic::Any: served from the watch cache, which on 1.20 ignores limit: one answer).

    python3 list_pages.py KUBECONFIG [--any]

A lower bound for snapdeck's first full fleet (it must also decode the pages).
"""
import json
import sys
import threading
import time
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, __file__.rsplit("/", 1)[0])
import fixture  # noqa: E402

server, ctx, token = fixture.load_kubeconfig(sys.argv[1])
any_rv = "--any" in sys.argv[2:]
client = fixture.Client(server, ctx, token)
_, cj_prefix = fixture.cronjob_api(client)
sel = "labelSelector=" + urllib.parse.quote("snapdeck.io/component=")
paths = {"namespaces": "/api/v1/namespaces?labelSelector=snapdeck.io%2Ftenant",
         "cronjobs": f"{cj_prefix}/cronjobs?{sel}backup",
         "jobs": f"/apis/batch/v1/jobs?{sel}db-dump",
         "volumesnapshots": f"/apis/snapshot.storage.k8s.io/v1/volumesnapshots?{sel}moodledata"}
results = {}


def walk(name, path):
    t0 = time.monotonic()
    cont, pages, items, size = "", 0, 0, 0
    while True:
        q = path + "&limit=500" + ("&resourceVersion=0" if any_rv else "")
        if cont:
            q += "&continue=" + urllib.parse.quote(cont)
        code, body = client.request("GET", q)
        if code != 200:
            results[name] = f"HTTP {code}: {body[:200]!r}"
            return
        d = json.loads(body)
        pages, items, size = pages + 1, items + len(d["items"]), size + len(body)
        cont = d["metadata"].get("continue")
        if not cont:
            break
    results[name] = f"{time.monotonic() - t0:6.1f} s  {pages:4} pages  {items:6} items  {size / 1e6:7.1f} MB"


t0 = time.monotonic()
threads = [threading.Thread(target=walk, args=kv) for kv in paths.items()]
for t in threads:
    t.start()
for t in threads:
    t.join()
for name in paths:
    print(f"{name:16} {results.get(name)}")
print(f"{'all, in parallel':16} {time.monotonic() - t0:6.1f} s  ({'resourceVersion=0' if any_rv else 'no resourceVersion'})")
