#!/usr/bin/env python3
"""Test helper for the report tests: the FlexOS Redis measurements as a
results database, and the answers a report must give, computed here
independently of the engine.

  redis_db.py expect CSV METRIC BUDGET
      print the maximal configurations meeting BUDGET (higher is better),
      one canonical name a line, computed from the CSV alone with the
      safety order of the FlexOS Redis space (partition refinement, the
      mpk mechanism, hardening inclusion)

  redis_db.py expect CSV METRIC BUDGET --scale S --no-mpk
      the same for a host whose numbers are S times the CSV's and that
      cannot run mpk (configurations of two or more compartments left
      out); --misses prints the minimal missing ones instead

  redis_db.py build DB CSV SPEC SPACE_SUMMARY_JSON SPACE_LIST_JSON \
          --host FP --mechanisms mpk,proc [--scale 1.0] [--skip MECH]
          [--revision REV]
      add an exhaustive exploration of the space to DB (created from
      db/schema.sql when new): every configuration evaluated with the
      CSV's number times SCALE, or skipped when its mechanism is SKIP.
      SPACE_*_JSON are `flexexplore space --json` and `--list --json`.

  redis_db.py synth DB SPEC SPACE_SUMMARY_JSON SPACE_LIST_JSON \
          --budget B [--every N]
      an exhaustive exploration of any space with a planted monotone
      cost: a configuration's value is 1000 * (1 - score / 200), so it
      meets budget B exactly when its score is at most 200 * (1 - B/1000)
      (with --lower a latency, 1000 * (1 + score / 200), at most B);
      with --every N only every N-th configuration is written

  redis_db.py synth-expect SPACE_LIST_JSON --budget B [--every N] [--misses]
      the maximal passing (minimal missing) configurations of that
      exploration, computed with this script's own order
"""
import argparse
import csv
import datetime
import json
import os
import sqlite3
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = os.path.join(HERE, "..", "..", "db", "schema.sql")
NOW = datetime.datetime.now(datetime.timezone.utc).strftime(
    "%Y-%m-%dT%H:%M:%SZ")


def canonical(compartments, hardened):
    """The canonical name of one CSV row, built the way the space names
    configurations: compartments, @mpk when there are two or more, then
    /component=sanitize for each hardened component."""
    name = compartments
    if "|" in compartments:
        name += "@mpk"
    if hardened != "-":
        comps = sorted(hardened.split(","))
        name += "/" + ",".join(c + "=sanitize" for c in comps)
    return name


MECHANISMS = ["none", "fcall", "mpk", "proc"]  # weakest first


def parse(name):
    """(list of frozensets of components, mechanism strength, frozenset
    of (component, option) pairs)."""
    hard = set()
    if "/" in name:
        name, h = name.split("/", 1)
        for part in h.split(","):
            comp, opts = part.split("=")
            hard |= {(comp, o) for o in opts.split("+")}
    mech = "none"
    if "@" in name:
        name, mech = name.split("@")
    blocks = [frozenset(b.split("+")) for b in name.split("|")]
    return blocks, MECHANISMS.index(mech), frozenset(hard)


def leq(a, b):
    """a is at most as safe as b: b's partition refines a's (every block
    of b inside a block of a), b's mechanism is at least as strong, and
    a's hardening is inside b's."""
    ablocks, amech, ahard = parse(a)
    bblocks, bmech, bhard = parse(b)
    refines = all(any(bb <= ab for ab in ablocks) for bb in bblocks)
    return refines and amech <= bmech and ahard <= bhard


def rows(path, metric):
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            yield canonical(r["compartments"], r["hardened"]), \
                float(r[metric]), int(r["samples"])


def outcomes(csv_path, metric, scale=1.0, no_mpk=False):
    return [(n, v * scale) for n, v, _ in rows(csv_path, metric)
            if not (no_mpk and "|" in n)]


def maximal(csv_path, metric, budget, scale=1.0, no_mpk=False):
    passing = [n for n, v in outcomes(csv_path, metric, scale, no_mpk)
               if v >= budget]
    return sorted(a for a in passing
                  if not any(a != b and leq(a, b) for b in passing))


def minimal_misses(csv_path, metric, budget, scale=1.0, no_mpk=False):
    missing = [n for n, v in outcomes(csv_path, metric, scale, no_mpk)
               if v < budget]
    return sorted(a for a in missing
                  if not any(a != b and leq(b, a) for b in missing))


def one_id(db, sql, args):
    return db.execute(sql, args).fetchone()[0]


def build(a):
    new = not os.path.exists(a.db)
    db = sqlite3.connect(a.db)
    db.execute("PRAGMA foreign_keys = ON")
    if new:
        with open(SCHEMA) as f:
            db.executescript(f.read())
        db.execute("PRAGMA user_version = 1")
    with open(a.summary) as f:
        summary = json.load(f)
    with open(a.list) as f:
        listing = {c["name"]: c for c in json.load(f)}

    desc = json.dumps({"id": a.host, "mechanisms": a.mechanisms.split(",")})
    db.execute("INSERT OR IGNORE INTO hosts (fingerprint, description, "
               "first_seen) VALUES (?, ?, ?)", (a.host, desc, NOW))
    host = one_id(db, "SELECT id FROM hosts WHERE fingerprint = ?",
                  (a.host,))
    rev = a.revision
    db.execute("INSERT OR IGNORE INTO revisions (revision, first_seen) "
               "VALUES (?, ?)", (rev, NOW))
    rev_id = one_id(db, "SELECT id FROM revisions WHERE revision = ?",
                    (rev,))
    db.execute("INSERT OR IGNORE INTO spaces (name, digest, path, "
               "first_seen) VALUES (?, ?, ?, ?)",
               (summary["name"], summary["digest"],
                os.path.abspath(a.spec), NOW))
    space = one_id(db, "SELECT id FROM spaces WHERE name = ? AND "
                   "digest = ?", (summary["name"], summary["digest"]))

    baseline = None
    data = list(rows(a.csv, a.metric))
    for name, value, _ in data:
        if "|" not in name and "/" not in name:
            baseline = value * a.scale
    key = "test:%s:%s:%s" % (a.host, a.revision, a.budget)
    cur = db.execute(
        "INSERT INTO explorations (key, app, space_id, evaluator, "
        "revision_id, toolchain, host_id, metric, direction, budget, "
        "budget_value, baseline, strategy, space_size, status, started, "
        "finished) VALUES (?, ?, ?, 'replay', ?, 'replay', ?, ?, 'higher', "
        "?, ?, ?, 'exhaustive', ?, 'finished', ?, ?)",
        (key, summary["name"], space, rev_id, host, a.metric,
         str(a.budget), float(a.budget), baseline, summary["count"], NOW,
         NOW))
    exp = cur.lastrowid

    border = set()
    if a.infer:
        border = set(maximal(a.csv, a.metric, a.budget / a.scale)) | \
            set(minimal_misses(a.csv, a.metric, a.budget / a.scale))
    for name, value, samples in data:
        c = listing[name]  # every CSV row must be a configuration
        mech = "none" if "|" not in name else "mpk"
        db.execute("INSERT OR IGNORE INTO configurations (space_id, "
                   "space_name, name, hash, compartments, mechanism, "
                   "score) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (space, summary["name"], name, c["hash"],
                    name.split("/")[0].count("|") + 1, mech, c["score"]))
    seq = 0
    for name, value, samples in data:
        mech = "none" if "|" not in name else "mpk"
        cid = one_id(db, "SELECT id FROM configurations WHERE "
                     "space_name = ? AND name = ?", (summary["name"], name))
        seq += 1
        if a.skip and mech == a.skip:
            db.execute("INSERT INTO decisions (exploration_id, seq, "
                       "config_id, kind, reason, created) VALUES "
                       "(?, ?, ?, 'skipped', ?, ?)",
                       (exp, seq, cid, "this host cannot run " + mech, NOW))
            continue
        v = value * a.scale
        baseline_row = "|" not in name and "/" not in name
        if a.infer and name not in border and not baseline_row:
            # Inferred from a border configuration on the right side.
            ok = v >= a.budget
            src = next(b for b in sorted(border)
                       if (leq(name, b) if ok else leq(b, name)) and
                       (value * a.scale >= a.budget) == ok)
            sid = db.execute("SELECT id FROM configurations WHERE "
                             "space_name = ? AND name = ?",
                             (summary["name"], src)).fetchone()
            db.execute("INSERT INTO decisions (exploration_id, seq, "
                       "config_id, kind, pass, source_config_id, reason, "
                       "created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (exp, seq, cid, "inferred-pass" if ok else
                        "inferred-miss", int(ok),
                        sid[0] if sid else None, "from " + src, NOW))
            continue
        db.execute("INSERT INTO measurements (config_id, revision_id, "
                   "toolchain, host_id, metric, round, sample, value, "
                   "exploration_id, created) VALUES (?, ?, 'replay', ?, ?, "
                   "0, 0, ?, ?, ?)", (cid, rev_id, host, a.metric, v, exp,
                                      NOW))
        db.execute("INSERT INTO decisions (exploration_id, seq, config_id, "
                   "kind, pass, value, ci_low, ci_high, samples, reason, "
                   "created) VALUES (?, ?, ?, 'evaluated', ?, ?, ?, ?, ?, "
                   "'replayed', ?)",
                   (exp, seq, cid, int(v >= a.budget), v, v, v, samples,
                    NOW))
    db.commit()
    print(exp)


def planted(score, lower):
    """The planted cost: falls (or, for a latency, rises) with safety."""
    return 1000 * (1 + score / 200) if lower else 1000 * (1 - score / 200)


def synth_expect(a):
    """Maximal passing and minimal missing configurations of the planted
    cost, from the listing alone."""
    with open(a.list) as f:
        listing = json.load(f)
    names = [c["name"] for i, c in enumerate(listing) if i % a.every == 0]
    score = {c["name"]: c["score"] for c in listing}
    ok = {n: planted(score[n], a.lower) <= a.budget if a.lower else
          planted(score[n], a.lower) >= a.budget for n in names}
    passing = [n for n in names if ok[n]]
    missing = [n for n in names if not ok[n]]
    if a.misses:
        out = [x for x in missing
               if not any(x != y and leq(y, x) for y in missing)]
    else:
        out = [x for x in passing
               if not any(x != y and leq(x, y) for y in passing)]
    for n in sorted(out):
        print(n)


def synth(a):
    new = not os.path.exists(a.db)
    db = sqlite3.connect(a.db)
    if new:
        with open(SCHEMA) as f:
            db.executescript(f.read())
        db.execute("PRAGMA user_version = 1")
    with open(a.summary) as f:
        summary = json.load(f)
    with open(a.list) as f:
        listing = json.load(f)
    db.execute("INSERT INTO hosts (fingerprint, description, first_seen) "
               "VALUES ('synth', '{}', ?)", (NOW,))
    db.execute("INSERT INTO revisions (revision, first_seen) VALUES "
               "('sim:planted', ?)", (NOW,))
    db.execute("INSERT INTO spaces (name, digest, path, first_seen) VALUES "
               "(?, ?, ?, ?)", (summary["name"], summary["digest"],
                                os.path.abspath(a.spec), NOW))
    db.execute(
        "INSERT INTO explorations (key, app, space_id, evaluator, "
        "revision_id, toolchain, host_id, metric, direction, budget, "
        "budget_value, baseline, strategy, space_size, status, started, "
        "finished) VALUES ('synth', ?, 1, 'sim', 1, 'sim', 1, 'cost', "
        "?, ?, ?, 1000, 'exhaustive', ?, 'finished', ?, ?)",
        (summary["name"], "lower" if a.lower else "higher", str(a.budget),
         a.budget, summary["count"], NOW, NOW))
    seq = 0
    for i, c in enumerate(listing):
        if i % a.every:
            continue
        seq += 1
        head = c["name"].split("/")[0]
        mech = head.split("@")[1] if "@" in head else "none"
        db.execute("INSERT INTO configurations (id, space_id, space_name, "
                   "name, hash, compartments, mechanism, score) VALUES "
                   "(?, 1, ?, ?, ?, ?, ?, ?)",
                   (seq, summary["name"], c["name"], c["hash"],
                    head.count("|") + 1, mech, c["score"]))
        v = planted(c["score"], a.lower)
        ok = v <= a.budget if a.lower else v >= a.budget
        db.execute("INSERT INTO decisions (exploration_id, seq, config_id, "
                   "kind, pass, value, ci_low, ci_high, samples, created) "
                   "VALUES (1, ?, ?, 'evaluated', ?, ?, ?, ?, 1, ?)",
                   (seq, seq, int(ok), v, v - 1, v + 1, NOW))
    db.commit()
    print(seq)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("expect")
    e.add_argument("csv")
    e.add_argument("metric")
    e.add_argument("budget", type=float)
    e.add_argument("--misses", action="store_true",
                   help="the minimal missing configurations instead")
    e.add_argument("--scale", type=float, default=1.0)
    e.add_argument("--no-mpk", action="store_true")
    b = sub.add_parser("build")
    for x in ("db", "csv", "spec", "summary", "list"):
        b.add_argument(x)
    b.add_argument("--host", required=True)
    b.add_argument("--mechanisms", required=True)
    b.add_argument("--revision", default="replay:test")
    b.add_argument("--metric", default="get_mean")
    b.add_argument("--budget", type=float, default=500000)
    b.add_argument("--scale", type=float, default=1.0)
    b.add_argument("--skip")
    b.add_argument("--infer", action="store_true",
                   help="measure only the border and the baseline, infer "
                   "the rest")
    y = sub.add_parser("synth")
    for x in ("db", "spec", "summary", "list"):
        y.add_argument(x)
    y.add_argument("--budget", type=float, required=True)
    y.add_argument("--every", type=int, default=1)
    y.add_argument("--lower", action="store_true",
                   help="a latency: lower is better")
    z = sub.add_parser("synth-expect")
    z.add_argument("list")
    z.add_argument("--budget", type=float, required=True)
    z.add_argument("--every", type=int, default=1)
    z.add_argument("--misses", action="store_true")
    z.add_argument("--lower", action="store_true")
    a = p.parse_args()
    if a.cmd == "synth-expect":
        synth_expect(a)
    elif a.cmd == "synth":
        synth(a)
    elif a.cmd == "expect":
        f = minimal_misses if a.misses else maximal
        for n in f(a.csv, a.metric, a.budget, a.scale, a.no_mpk):
            print(n)
    else:
        build(a)


if __name__ == "__main__":
    sys.exit(main())
