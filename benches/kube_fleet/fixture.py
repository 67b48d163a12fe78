#!/usr/bin/env python3
"""Create a snapdeck-shaped fleet in a Kubernetes cluster, for load-testing the kube source.

    python3 fixture.py --kubeconfig PATH --namespaces 2000 --runs 30 [--workers 16]
    python3 fixture.py --kubeconfig PATH --small          # 20 namespaces x 5 runs, seconds

Talks to the API server directly over HTTPS (bearer token + CA of the kubeconfig's current
context; python3 stdlib only, no kubectl needed for the writes), with a pool of threads each
holding one keep-alive connection. Every object is created, then its status is written through
the status subresource (a merge patch), as a controller would: the cluster this is meant for
(tools/kube-local) runs no Job or snapshot controller.

The fleet (the conventions snapdeck reads by default, see src/config/template.rs [kube.keys]):
  * namespaces `moodle-<slug>` in groups of one hub + (group-1) spokes (default 10 per group:
    2000 namespaces = 200 hubs with 9 spokes each), labelled snapdeck.io/tenant, kind, hub (on
    spokes), tier, region; annotated hostname, display-name, created-at, and secondary-region on
    Dedicated ones. About one group in seven is Dedicated (hourly schedule), the rest Standard
    (daily at 02:00 UTC).
  * one CronJob `backup` per namespace (snapdeck.io/component=backup), batch/v1 when the server
    serves it, else batch/v1beta1; status.lastScheduleTime is the newest run.
  * per run: a Job `db-dump-<run>` (component=db-dump, run=<run>, dump-bytes; Dedicated:
    copied-at) and a VolumeSnapshot `moodledata-<run>` (component=moodledata, same run label,
    spec.source.persistentVolumeClaimName=moodledata). Standard runs are the last N days at
    02:00, Dedicated runs the last N hours; created-at is a little before the oldest run.
  * a few tenants fail, chosen by namespace index so that even --small shows each kind:
    index % 97 == 5   the newest dump Job Failed (BackoffLimitExceeded)
    index % 89 == 7   the newest VolumeSnapshot has status.error.message, readyToUse false
    index % 151 == 11 the CronJob is suspended and its runs stopped 3 periods ago
    index % 37 == 14  (Dedicated only) the newest Job carries snapdeck.io/copy-error
Runs are written newest first across all namespaces (round by round), so a run stopped early
(Ctrl-C or --max-minutes) leaves every namespace with its newest K runs. Re-running is safe:
409 AlreadyExists counts as "exists" and the status is written again (namespaces and CronJobs
get their metadata/spec merged in too).

Nothing moves the fleet forward afterwards (no controller): Dedicated tenants (hourly, 1 h RPO)
turn red about an hour after generation, Standard ones a day after the newest 02:00 run. To
bring it up to date without rewriting everything, rerun with the same arguments plus
`--newest 2` (the hours since add new Dedicated runs: the fleet then holds a few more objects
than namespaces x runs).
"""

import argparse
import base64
import datetime as dt
import http.client
import json
import os
import queue
import random
import re
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

UTC = dt.timezone.utc
K = "snapdeck.io/"
WORDS = ["northfield", "riverside", "kingsbridge", "ashford", "greenvale", "harbour", "oakmont",
         "westbrook", "silverlake", "eastgate", "highmoor", "lakeshore", "millbrook", "redcliff",
         "stonebridge", "fairhaven", "brightwater", "elmwood", "pinecrest", "clearwater"]
REGIONS = ["eu-west-1", "eu-central-1", "us-east-1", "ap-southeast-2"]
SECONDARY = {"eu-west-1": "eu-central-1", "eu-central-1": "eu-west-1",
             "us-east-1": "us-west-2", "ap-southeast-2": "ap-southeast-1"}


# ---------------------------------------------------------------- kubeconfig

def kubeconfig_via_kubectl(path):
    out = subprocess.run(["kubectl", "--kubeconfig", path, "config", "view", "--raw", "--minify",
                          "-o", "json"], check=True, capture_output=True, text=True).stdout
    cfg = json.loads(out)
    cluster = cfg["clusters"][0]["cluster"]
    user = cfg["users"][0]["user"]
    return cluster, user


def kubeconfig_minimal(path):
    """The flow-style shape kube-local writes: `- name: X` / `cluster: {k: "v", ...}` lines."""
    text = open(path).read()
    current = re.search(r"^current-context:\s*\"?([^\"\s]+)", text, re.M).group(1)

    def flow(line):
        body = line[line.index("{") + 1:line.rindex("}")]
        out = {}
        for part in re.finditer(r'([\w-]+):\s*("([^"]*)"|[^,{}]+)', body):
            out[part.group(1)] = part.group(3) if part.group(3) is not None else part.group(2).strip()
        return out

    clusters, users, contexts = {}, {}, {}
    section = None
    pending = None
    for line in text.splitlines():
        if re.match(r"^(clusters|users|contexts):", line):
            section = line.split(":")[0]
            continue
        if not line.startswith(("-", " ")):
            section = None
            continue
        m = re.match(r"^-\s*\{name:\s*\"?([^,\"]+)\"?,\s*(cluster|user|context):\s*(\{.*\})\}\s*$", line)
        if m:
            {"clusters": clusters, "users": users, "contexts": contexts}[section][m.group(1)] = flow(m.group(3))
            continue
        m = re.match(r"^-\s*name:\s*\"?([^\"]+?)\"?\s*$", line)
        if m:
            pending = m.group(1)
            continue
        m = re.match(r"^\s+(cluster|user|context):\s*(\{.*\})\s*$", line)
        if m and pending:
            {"clusters": clusters, "users": users, "contexts": contexts}[section][pending] = flow(m.group(2))
    ctx = contexts[current]
    return clusters[ctx["cluster"]], users[ctx["user"]]


def load_kubeconfig(path):
    try:
        cluster, user = kubeconfig_via_kubectl(path)
    except (OSError, subprocess.CalledProcessError, KeyError, IndexError, ValueError):
        cluster, user = kubeconfig_minimal(path)
    server = cluster["server"]
    ctx = ssl.create_default_context()
    if cluster.get("certificate-authority-data"):
        ctx.load_verify_locations(cadata=base64.b64decode(cluster["certificate-authority-data"]).decode())
    elif cluster.get("certificate-authority"):
        ctx.load_verify_locations(cafile=cluster["certificate-authority"])
    if cluster.get("insecure-skip-tls-verify") in (True, "true"):
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    if user.get("client-certificate") or user.get("client-certificate-data"):
        cert, key = user.get("client-certificate"), user.get("client-key")
        tmp = []
        if user.get("client-certificate-data"):
            for field in ("client-certificate-data", "client-key-data"):
                f = tempfile.NamedTemporaryFile("wb", delete=False)
                f.write(base64.b64decode(user[field]))
                f.close()
                tmp.append(f.name)
            cert, key = tmp
        ctx.load_cert_chain(cert, key)
    token = user.get("token")
    if not token and user.get("tokenFile"):
        token = open(user["tokenFile"]).read().strip()
    return server, ctx, token


# ---------------------------------------------------------------- client

class Client:
    """One keep-alive HTTPS connection per thread."""

    RETRY = {429, 500, 502, 503, 504}

    def __init__(self, server, ctx, token):
        u = urllib.parse.urlsplit(server)
        self.host, self.port = u.hostname, u.port or 443
        self.prefix = u.path.rstrip("/")
        self.ctx = ctx
        self.headers = {"Accept": "application/json", "User-Agent": "snapdeck-fixture"}
        if token:
            self.headers["Authorization"] = "Bearer " + token
        self.local = threading.local()
        self.lock = threading.Lock()
        self.stats = {"requests": 0, "created": 0, "exists": 0, "status": 0, "retries": 0,
                      "errors": 0}
        self.error_samples = []

    def conn(self):
        c = getattr(self.local, "conn", None)
        if c is None:
            c = http.client.HTTPSConnection(self.host, self.port, context=self.ctx, timeout=60)
            self.local.conn = c
        return c

    def request(self, method, path, body=None, ctype="application/json"):
        data = None if body is None else json.dumps(body, separators=(",", ":")).encode()
        headers = dict(self.headers)
        if data is not None:
            headers["Content-Type"] = ctype
        for attempt in range(10):
            try:
                c = self.conn()
                c.request(method, self.prefix + path, body=data, headers=headers)
                r = c.getresponse()
                payload = r.read()
                status = r.status
            except (OSError, http.client.HTTPException) as e:
                self.local.conn = None
                self.bump("retries")
                if attempt == 9:
                    raise
                time.sleep(min(0.2 * 2 ** attempt, 5))
                continue
            self.bump("requests")
            if status in self.RETRY and attempt < 9:
                self.bump("retries")
                time.sleep(min(0.2 * 2 ** attempt, 5))
                continue
            return status, payload
        raise RuntimeError("unreachable")

    def bump(self, key, n=1):
        with self.lock:
            self.stats[key] += n

    def fail(self, what, status, payload):
        with self.lock:
            self.stats["errors"] += 1
            if len(self.error_samples) < 20:
                self.error_samples.append(f"{what}: HTTP {status}: {payload[:300]!r}")

    def create(self, collection, obj, status=None, refresh=False):
        """POST obj to collection (409 is fine), then merge-patch its status if given. With
        refresh, an object already there gets obj's metadata and spec merged in (namespaces,
        CronJobs: a rerun with other --runs moves created-at and lastScheduleTime)."""
        name = obj["metadata"]["name"]
        code, payload = self.request("POST", collection, obj)
        if code == 201 or code == 200:
            self.bump("created")
        elif code == 409:
            self.bump("exists")
            if refresh:
                patch = {key: obj[key] for key in ("metadata", "spec") if key in obj}
                code, payload = self.request("PATCH", f"{collection}/{name}", patch,
                                             "application/merge-patch+json")
                if code != 200:
                    self.fail(f"PATCH {collection}/{name}", code, payload)
                    return False
        else:
            self.fail(f"POST {collection} {name}", code, payload)
            return False
        if status is not None:
            path = f"{collection}/{name}/status"
            code, payload = self.request("PATCH", path, {"status": status},
                                         "application/merge-patch+json")
            if code == 200:
                self.bump("status")
            else:
                self.fail(f"PATCH {path}", code, payload)
                return False
        return True


# ---------------------------------------------------------------- the fleet

def rfc3339(t):
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Tenant:
    def __init__(self, index, group_size, now, runs):
        self.index = index
        g, member = divmod(index, group_size)
        self.group = g
        word = WORDS[g % len(WORDS)]
        hub = f"{word}-{g:04d}"
        self.hub_slug = hub
        self.kind = "hub" if member == 0 else "spoke"
        self.slug = hub if member == 0 else f"{hub}-c{member}"
        self.ns = f"moodle-{self.slug}"
        self.dedicated = g % 7 == 1
        self.tier = "dedicated" if self.dedicated else "standard"
        self.region = REGIONS[g % len(REGIONS)]
        self.rng = random.Random(f"snapdeck-fixture-{index}")
        self.job_failed = index % 97 == 5
        self.snap_failed = index % 89 == 7
        self.suspended = index % 151 == 11
        self.copy_error = self.dedicated and index % 37 == 14
        self.period = dt.timedelta(hours=1) if self.dedicated else dt.timedelta(days=1)
        self.schedule = "0 * * * *" if self.dedicated else "0 2 * * *"
        if self.dedicated:
            newest = now.replace(minute=0, second=0, microsecond=0)
        else:
            newest = now.replace(hour=2, minute=0, second=0, microsecond=0)
            if newest > now:
                newest -= dt.timedelta(days=1)
        if self.suspended:
            newest -= 3 * self.period
        # run k (0 = newest) was scheduled at this time
        self.newest = newest
        self.runs = runs
        oldest = newest - (runs - 1) * self.period
        before = dt.timedelta(minutes=self.rng.randint(5, 50)) if self.dedicated \
            else dt.timedelta(hours=self.rng.randint(1, 20))
        self.created_at = oldest - before

    def scheduled(self, k):
        return self.newest - k * self.period

    def namespace(self):
        labels = {K + "tenant": self.slug, K + "kind": self.kind, K + "tier": self.tier,
                  K + "region": self.region}
        if self.kind == "spoke":
            labels[K + "hub"] = self.hub_slug
        name = self.hub_slug.split("-")[0].capitalize()
        display = f"{name} College {self.group:04d}" + \
            ("" if self.kind == "hub" else f" - campus {self.slug.rsplit('-c', 1)[1]}")
        ann = {K + "hostname": f"{self.slug}.moodle.example.net", K + "display-name": display,
               K + "created-at": rfc3339(self.created_at)}
        if self.dedicated:
            ann[K + "secondary-region"] = SECONDARY[self.region]
        return {"apiVersion": "v1", "kind": "Namespace",
                "metadata": {"name": self.ns, "labels": labels, "annotations": ann}}

    def pod_template(self, image, command, labels):
        return {"metadata": {"labels": labels},
                "spec": {"restartPolicy": "Never",
                         "containers": [{"name": "backup", "image": image, "command": command,
                                         "resources": {"requests": {"cpu": "100m",
                                                                    "memory": "256Mi"}}}]}}

    def cronjob(self, api_version):
        labels = {K + "component": "backup", K + "tenant": self.slug}
        job_spec = {"backoffLimit": 2, "activeDeadlineSeconds": 3600,
                    "template": self.pod_template("registry.example.net/moodle-backup:3.4.1",
                                                  ["/usr/local/bin/backup", "--all"],
                                                  {K + "component": "db-dump"})}
        obj = {"apiVersion": api_version, "kind": "CronJob",
               "metadata": {"name": "backup", "namespace": self.ns, "labels": labels,
                            "annotations": {K + "created-at": rfc3339(self.created_at)}},
               "spec": {"schedule": self.schedule, "concurrencyPolicy": "Forbid",
                        "suspend": self.suspended, "successfulJobsHistoryLimit": 3,
                        "failedJobsHistoryLimit": 1,
                        "jobTemplate": {"metadata": {"labels": {K + "component": "db-dump"}},
                                        "spec": job_spec}}}
        status = {"lastScheduleTime": rfc3339(self.newest)}
        return obj, status

    def run_id(self, k):
        return self.scheduled(k).strftime("%Y%m%d-%H%M")

    def job(self, k):
        rng = random.Random(f"{self.ns}-job-{k}")
        run = self.run_id(k)
        sched = self.scheduled(k)
        start = sched + dt.timedelta(seconds=rng.randint(3, 40))
        labels = {K + "component": "db-dump", K + "run": run, K + "tenant": self.slug}
        size = rng.randint(40_000_000, 4_000_000_000) if self.kind == "hub" \
            else rng.randint(5_000_000, 900_000_000)
        ann = {K + "dump-bytes": str(size)}
        failed = self.job_failed and k == 0
        end = start + dt.timedelta(seconds=30 + size // 5_000_000 + rng.randint(0, 120))
        if self.dedicated and not failed:
            if self.copy_error and k == 0:
                ann[K + "copy-error"] = ("s3 copy to " + SECONDARY[self.region] +
                                         ": AccessDenied: bucket policy denies PutObject")
            else:
                ann[K + "copied-at"] = rfc3339(end + dt.timedelta(seconds=rng.randint(60, 900)))
        obj = {"apiVersion": "batch/v1", "kind": "Job",
               "metadata": {"name": f"db-dump-{run}", "namespace": self.ns, "labels": labels,
                            "annotations": ann},
               "spec": {"backoffLimit": 2, "activeDeadlineSeconds": 3600,
                        "template": self.pod_template(
                            "registry.example.net/moodle-backup:3.4.1",
                            ["/usr/local/bin/backup", "--db", "--run", run],
                            {K + "component": "db-dump", K + "run": run})}}
        if failed:
            t = rfc3339(start + dt.timedelta(minutes=6))
            status = {"startTime": rfc3339(start), "failed": 3,
                      "conditions": [{"type": "Failed", "status": "True",
                                      "reason": "BackoffLimitExceeded",
                                      "message": "Job has reached the specified backoff limit",
                                      "lastProbeTime": t, "lastTransitionTime": t}]}
        else:
            t = rfc3339(end)
            status = {"startTime": rfc3339(start), "completionTime": t, "succeeded": 1,
                      "conditions": [{"type": "Complete", "status": "True",
                                      "lastProbeTime": t, "lastTransitionTime": t}]}
        return obj, status

    def snapshot(self, k):
        rng = random.Random(f"{self.ns}-snap-{k}")
        run = self.run_id(k)
        created = self.scheduled(k) + dt.timedelta(seconds=rng.randint(2, 45))
        labels = {K + "component": "moodledata", K + "run": run, K + "tenant": self.slug}
        obj = {"apiVersion": "snapshot.storage.k8s.io/v1", "kind": "VolumeSnapshot",
               "metadata": {"name": f"moodledata-{run}", "namespace": self.ns, "labels": labels},
               "spec": {"volumeSnapshotClassName": "csi-ebs-snapclass",
                        "source": {"persistentVolumeClaimName": "moodledata"}}}
        if self.snap_failed and k == 0:
            status = {"readyToUse": False,
                      "error": {"time": rfc3339(created + dt.timedelta(seconds=20)),
                                "message": "Failed to create snapshot: rpc error: code = "
                                           "ResourceExhausted desc = SnapshotLimitExceeded: "
                                           "the maximum allowed snapshots have been taken"}}
        else:
            status = {"readyToUse": True, "creationTime": rfc3339(created),
                      "restoreSize": "10Gi",
                      "boundVolumeSnapshotContentName": f"snapcontent-{rng.randrange(10**12):012d}"}
        return obj, status


# ---------------------------------------------------------------- driver

def cronjob_api(client):
    code, payload = client.request("GET", "/apis/batch/v1")
    if code == 200 and any(r.get("name") == "cronjobs"
                           for r in json.loads(payload).get("resources", [])):
        return "batch/v1", "/apis/batch/v1"
    return "batch/v1beta1", "/apis/batch/v1beta1"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--kubeconfig", default=os.environ.get("KUBECONFIG"))
    p.add_argument("--namespaces", type=int, default=2000)
    p.add_argument("--runs", type=int, default=30)
    p.add_argument("--group-size", type=int, default=10, help="namespaces per hub (hub + spokes)")
    p.add_argument("--workers", type=int, default=16)
    p.add_argument("--small", action="store_true", help="20 namespaces x 5 runs")
    p.add_argument("--skip-runs", type=int, default=0,
                   help="start at run K (0 = newest): resume after a stopped generation")
    p.add_argument("--newest", type=int, default=0,
                   help="write only the newest K runs (0: all): a rerun with the same --runs "
                        "adds the hourly runs a Dedicated tenant has missed since, quickly")
    p.add_argument("--max-minutes", type=float, default=0,
                   help="stop starting new run rounds after this long (0: no limit)")
    p.add_argument("--now", help="RFC 3339 'now' the runs are placed before (default: the clock)")
    a = p.parse_args()
    if a.small:
        a.namespaces, a.runs = 20, 5
    if not a.kubeconfig:
        p.error("--kubeconfig or KUBECONFIG is needed")

    server, ctx, token = load_kubeconfig(a.kubeconfig)
    client = Client(server, ctx, token)
    now = dt.datetime.fromisoformat(a.now.replace("Z", "+00:00")) if a.now \
        else dt.datetime.now(UTC)
    cj_version, cj_prefix = cronjob_api(client)
    tenants = [Tenant(i, a.group_size, now, a.runs) for i in range(a.namespaces)]
    last = min(a.runs, a.newest) if a.newest else a.runs
    total = a.namespaces * 2 + a.namespaces * max(0, last - a.skip_runs) * 2
    print(f"fixture: {server}, {a.namespaces} namespaces x {a.runs} runs "
          f"({sum(t.dedicated for t in tenants)} dedicated), CronJobs {cj_version}, "
          f"{a.workers} workers, {total} objects to write", flush=True)

    work = queue.Queue(maxsize=a.workers * 32)
    done = threading.Event()

    def worker():
        while True:
            item = work.get()
            if item is None:
                work.task_done()
                return
            try:
                item()
            except Exception as e:  # keep going; report at the end
                client.fail("exception", 0, repr(e).encode())
            finally:
                work.task_done()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(a.workers)]
    for t in threads:
        t.start()

    t0 = time.monotonic()
    phase = {"name": "namespaces"}

    def report(final=False):
        s = dict(client.stats)
        el = time.monotonic() - t0
        objs = s["created"] + s["exists"]
        print(f"[{el:7.1f}s] {phase['name']:<14} objects {objs:>7}/{total} "
              f"({objs / el if el else 0:6.1f}/s)  requests {s['requests']:>7} "
              f"({s['requests'] / el if el else 0:6.1f}/s)  new {s['created']} exists {s['exists']} "
              f"status {s['status']} retries {s['retries']} errors {s['errors']}", flush=True)

    def reporter():
        while not done.wait(10):
            report()

    threading.Thread(target=reporter, daemon=True).start()

    for t in tenants:
        work.put(lambda t=t: client.create("/api/v1/namespaces", t.namespace(), refresh=True))
    work.join()
    phase["name"] = "cronjobs"
    for t in tenants:
        def cj(t=t):
            obj, status = t.cronjob(cj_version)
            client.create(f"{cj_prefix}/namespaces/{t.ns}/cronjobs", obj, status, refresh=True)
        work.put(cj)
    work.join()
    rounds_done = a.skip_runs
    stopped_early = False
    for k in range(a.skip_runs, last):
        if a.max_minutes and time.monotonic() - t0 > a.max_minutes * 60:
            stopped_early = True
            break
        phase["name"] = f"run {k + 1}/{a.runs}"
        for t in tenants:
            def job(t=t, k=k):
                obj, status = t.job(k)
                client.create(f"/apis/batch/v1/namespaces/{t.ns}/jobs", obj, status)

            def snap(t=t, k=k):
                obj, status = t.snapshot(k)
                client.create(f"/apis/snapshot.storage.k8s.io/v1/namespaces/{t.ns}/volumesnapshots",
                              obj, status)
            work.put(job)
            work.put(snap)
        work.join()
        rounds_done = k + 1
    for _ in threads:
        work.put(None)
    for t in threads:
        t.join()
    done.set()
    phase["name"] = "done"
    report(final=True)
    el = time.monotonic() - t0
    s = client.stats
    print(f"fixture: {s['created'] + s['exists']} objects ({s['created']} new, {s['exists']} "
          f"already there) and {s['status']} status writes in {el:.1f}s: "
          f"{(s['created'] + s['exists']) / el:.1f} objects/s, {s['requests'] / el:.1f} requests/s; "
          f"runs written per namespace: {rounds_done}" + (" (stopped by --max-minutes)" if stopped_early else ""))
    if s["errors"]:
        print(f"fixture: {s['errors']} errors, first ones:", file=sys.stderr)
        for e in client.error_samples:
            print("  " + e, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
