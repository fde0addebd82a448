#!/usr/bin/env python3
"""A big import while the city keeps writing: how long a 100,000-row 需求清单 takes as a job,
and the latency of other alliances' need posts made meanwhile (against the same posts with
no import running). Traffic goes to 127.0.0.1 only; every loop is bounded in time.

    cargo build --release
    scripts/import_load.py                                   # SQLite in a temp data dir
    scripts/import_load.py --database-url postgres://postgres@127.0.0.1:5432/lianmeng_import

Options: --rows N (default 100000), --posters N (threads posting needs, default 2),
--baseline-seconds N (default 20), --binary PATH (default target/release/lianmeng).
Needs Python 3 with `requests`.
"""

import argparse
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ADMIN_PASSWORD = "Import-Load-Admin-2026"
PASSWORD = "Import-Load-User-2026"
# Common characters: random six-character titles from them are never near-duplicates.
POOL = (
    "社区居民老人儿童服务活动中心健康医疗法律咨询教育培训文化体育志愿环境卫生安全消防"
    "就业创业养老助残送餐维修照明道路停车充电垃圾分类绿化供水排水家政心理关爱困难帮扶"
    "图书阅读书法绘画音乐舞蹈电脑手机防诈宣传讲座义诊体检理发陪护探访课堂托管辅导"
)


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


class Api:
    def __init__(self, base):
        self.base = base
        self.s = requests.Session()

    def call(self, method, path, token=None, **kw):
        h = kw.pop("headers", {})
        if token:
            h["authorization"] = f"Bearer {token}"
        r = self.s.request(method, self.base + path, headers=h, timeout=60, **kw)
        return r

    def ok(self, method, path, token=None, **kw):
        r = self.call(method, path, token, **kw)
        if r.status_code >= 300:
            sys.exit(f"{method} {path}: {r.status_code} {r.text[:300]}")
        return r.json() if r.content else None

    def login(self, username, password):
        return self.ok("POST", "/api/v1/auth/login",
                       json={"username": username, "password": password})["token"]


def sheet(rows, communities, categories, rng):
    lines = ["标题,描述,类别,所属社区,紧急程度"]
    for i in range(rows):
        title = "".join(rng.choice(POOL) for _ in range(8))
        desc = "".join(rng.choice(POOL) for _ in range(30))
        lines.append(f"{title},{desc},{rng.choice(categories)},{rng.choice(communities)},一般")
    return ("\r\n".join(lines) + "\r\n").encode()


def posting(api, token, body, stop, latencies, errors):
    session = Api(api.base)
    i = 0
    while not stop.is_set():
        b = dict(body, title=f"{body['title']}{i}")
        t = time.perf_counter()
        r = session.call("POST", "/api/v1/needs", token, json=b)
        latencies.append(time.perf_counter() - t)
        if r.status_code != 201:
            errors.append(r.status_code)
        i += 1


def measure_posts(api, token, body, posters, until):
    """Posts needs from `posters` threads until `until()` is true; latencies in seconds."""
    stop = threading.Event()
    latencies, errors = [], []
    threads = [threading.Thread(target=posting, args=(api, token, body, stop, latencies, errors))
               for _ in range(posters)]
    for t in threads:
        t.start()
    try:
        while not until():
            time.sleep(0.05)
    finally:
        stop.set()
        for t in threads:
            t.join()
    return latencies, errors


def report(label, latencies, errors, seconds):
    ms = [x * 1000 for x in latencies]
    print(f"RESULT {label}: posts={len(ms)} rate={len(ms) / seconds:.0f}/s "
          f"p50_ms={percentile(ms, 50):.1f} p99_ms={percentile(ms, 99):.1f} "
          f"max_ms={max(ms) if ms else float('nan'):.1f} errors={len(errors)}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url")
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--posters", type=int, default=2)
    ap.add_argument("--baseline-seconds", type=float, default=20)
    ap.add_argument("--binary", default="target/release/lianmeng")
    ap.add_argument("--port", type=int, default=18090)
    args = ap.parse_args()
    base = f"http://127.0.0.1:{args.port}"
    data = tempfile.mkdtemp(prefix="import-load-")
    env = {"LIANMENG_LOG": "warn", "LIANMENG_DATA_DIR": data,
           "LIANMENG_ADMIN_PASSWORD": ADMIN_PASSWORD, "PATH": "/usr/bin:/bin"}
    engine = "SQLite"
    if args.database_url:
        name = args.database_url.rsplit("/", 1)[1]
        root = args.database_url.rsplit("/", 1)[0] + "/postgres"
        subprocess.run(["psql", root, "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=True)
        subprocess.run(["psql", root, "-qc", f"CREATE DATABASE {name}"], check=True)
        env["LIANMENG_DATABASE_URL"] = args.database_url
        engine = "PostgreSQL"
    log = open(Path(data) / "server.log", "w")
    server = subprocess.Popen([args.binary, "serve", "--bind", f"127.0.0.1:{args.port}"],
                              env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        api = Api(base)
        for _ in range(300):
            try:
                if api.call("GET", "/readyz").status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        admin = api.login("admin", ADMIN_PASSWORD)
        district = api.ok("POST", "/api/v1/districts", admin, json={"code": "530102", "name": "五华区"})["id"]
        streets = [api.ok("POST", "/api/v1/streets", admin,
                          json={"code": f"53010200{i}", "name": name, "district_id": district})["id"]
                   for i, name in enumerate(["华山街道", "护国街道"], start=1)]
        communities = []
        for i, name in enumerate(["翠湖社区", "正义社区", "文庙社区"], start=1):
            api.ok("POST", "/api/v1/communities", admin,
                   json={"code": f"53010200100{i}", "name": name, "street_id": streets[0]})
            communities.append(name)
        other_community = api.ok("POST", "/api/v1/communities", admin,
                                 json={"code": "530102002001", "name": "圆通社区", "street_id": streets[1]})["id"]
        alliances = {a["region"]["id"]: a["id"]
                     for a in api.ok("GET", "/api/v1/alliances?level=street&per_page=100", admin)["items"]}
        categories = [c["name"] for c in api.ok("GET", "/api/v1/categories", admin)]
        for user, street in [("importer", streets[0]), ("poster", streets[1])]:
            api.ok("POST", "/api/v1/users", admin,
                   json={"username": user, "password": PASSWORD, "display_name": user,
                         "role": "coordinator", "alliance_id": alliances[street]})
        importer, poster = api.login("importer", PASSWORD), api.login("poster", PASSWORD)
        body = {"alliance_id": alliances[streets[1]], "community_id": other_community,
                "title": "楼道灯坏了需要维修", "description": "三号楼二单元楼道灯坏了一个月，老人上下楼不方便。",
                "category": categories[0], "urgency": "normal", "allow_duplicate": True}

        started = time.monotonic()
        base_lat, base_err = measure_posts(
            api, poster, body, args.posters, lambda: time.monotonic() - started > args.baseline_seconds)
        report(f"{engine} need posts, no import", base_lat, base_err, args.baseline_seconds)

        rng = random.Random(2026)
        csv = sheet(args.rows, communities, categories, rng)
        print(f"sheet: {args.rows} rows, {len(csv) / 2**20:.1f} MiB")
        t0 = time.monotonic()
        r = api.call("POST", "/api/v1/imports", importer,
                     files={"file": ("需求清单.csv", csv, "text/csv")})
        if r.status_code != 202:
            sys.exit(f"import not accepted: {r.status_code} {r.text[:300]}")
        accepted = time.monotonic() - t0
        job_path = r.headers["location"]
        state = {"job": r.json(), "steps": {}}

        def finished():
            job = Api(base).ok("GET", job_path, importer)
            state["job"] = job
            state["steps"].setdefault(job["status"], time.monotonic() - t0)
            return job["status"] not in ("queued", "checking", "writing")

        lat, err = measure_posts(api, poster, body, args.posters, finished)
        total = time.monotonic() - t0
        job = state["job"]
        print(f"RESULT {engine} import of {args.rows} rows: status={job['status']} created={job['created']} "
              f"accepted_in_s={accepted:.2f} total_s={total:.1f} "
              f"steps_started_at_s={ {k: round(v, 1) for k, v in state['steps'].items()} }")
        if job["status"] != "succeeded":
            print(f"problems: {job['problems'][:5]} message: {job['message']}")
        report(f"{engine} need posts during the import", lat, err, total)
        return 0 if job["status"] == "succeeded" and not err else 1
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
