#!/usr/bin/env python3
"""Mutation run over Telex's guards: applies each mutant of mutants.txt in turn to a scratch copy of the
repository, builds the test project it names, runs that mutant's tests and reports which test killed it.

The work tree is only read: the scratch copy (default /tmp/telex-mutants) is synced from it at the start of a run
(tracked and untracked-but-not-ignored files, so uncommitted edits count), and bin/obj there are kept between runs
so builds are incremental. Standard library only. See README.md next to this file.
"""

import argparse
import filecmp
import os
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
MANIFEST = ".mutants-manifest"


class Mutant:
    def __init__(self, name, origin):
        self.name = name
        self.origin = origin  # "mutants.txt:LINE", for error messages
        self.file = None
        self.find = None
        self.replace = None
        self.project = None
        self.tests = None
        self.after = None
        self.line = None
        self.start = 0


def parse_mutants(path):
    """Blocks of 'key: value' lines separated by blank lines; '#' starts a comment line. Values are verbatim."""
    mutants, current = [], None
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if line.strip().startswith("#"):
                continue
            if not line.strip():
                current = None
                continue
            key, sep, value = line.partition(": ")
            if not sep:
                sys.exit(f"{path}:{number}: expected 'key: value', got {line!r}")
            if key == "name":
                current = Mutant(value.strip(), f"{os.path.basename(path)}:{number}")
                mutants.append(current)
            elif current is None:
                sys.exit(f"{path}:{number}: a mutant starts with 'name: '")
            elif key in ("file", "after", "find", "replace", "project", "tests"):
                setattr(current, key, value if key in ("after", "find", "replace") else value.strip())
            else:
                sys.exit(f"{path}:{number}: unknown key {key!r}")
    names = set()
    for m in mutants:
        for key in ("file", "find", "replace", "project", "tests"):
            if getattr(m, key) is None:
                sys.exit(f"{m.origin}: mutant {m.name} has no '{key}'")
        if m.name in names:
            sys.exit(f"{m.origin}: mutant name {m.name} is used twice")
        names.add(m.name)
    return mutants


def find_in(text, m):
    """Where the mutant's fragment starts in text, or a problem: 'find' must occur once (after the one 'after', if given)."""
    start = 0
    if m.after is not None:
        count = text.count(m.after)
        if count != 1:
            return None, f"its 'after' fragment occurs {count} times in {m.file} (it must occur once)"
        start = text.index(m.after) + len(m.after)
    count = text.count(m.find, start)
    if count != 1:
        return None, f"its fragment occurs {count} times in {m.file}" + (" after its 'after'" if m.after else "") + " (it must occur once)"
    return text.index(m.find, start), None


def mutated(text, m):
    at, problem = find_in(text, m)
    return None if problem else text[:at] + m.replace + text[at + len(m.find):]


def locate(repo, mutants):
    """Each fragment must occur exactly once in its file; records its line. Returns the list of problems."""
    problems = []
    for m in mutants:
        path = os.path.join(repo, m.file)
        if not os.path.isfile(path):
            problems.append(f"{m.name}: no file {m.file}")
            continue
        with open(path, encoding="utf-8") as f:
            text = f.read()
        at, problem = find_in(text, m)
        if problem:
            problems.append(f"{m.name}: {problem}")
            continue
        m.line = text[:at].count("\n") + 1
    return problems


def repo_files(repo):
    out = subprocess.run(["git", "-C", repo, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                         check=True, capture_output=True).stdout
    return [p for p in out.decode("utf-8").split("\0") if p and os.path.isfile(os.path.join(repo, p))]


def sync(repo, scratch):
    """Copies changed files only (so the scratch build stays incremental) and removes files the repo dropped."""
    os.makedirs(scratch, exist_ok=True)
    files = repo_files(repo)
    manifest_path = os.path.join(scratch, MANIFEST)
    old = set()
    if os.path.exists(manifest_path):
        with open(manifest_path, encoding="utf-8") as f:
            old = set(f.read().split("\0")) - {""}
    copied = 0
    for p in files:
        src, dst = os.path.join(repo, p), os.path.join(scratch, p)
        if os.path.exists(dst) and filecmp.cmp(src, dst, shallow=False):
            continue
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)
        copied += 1
    for p in old - set(files):
        try:
            os.remove(os.path.join(scratch, p))
        except FileNotFoundError:
            pass
    with open(manifest_path, "w", encoding="utf-8") as f:
        f.write("\0".join(files))
    return copied


def hear_interrupts():
    """In a child, before it runs: SIGINT and SIGQUIT back to their default actions.

    Started from a background shell or under nohup, this script inherits both signals ignored, and every process it
    starts would too (an ignored signal stays ignored across exec, and .NET leaves it so). Telex.Cli.Tests stop each
    `telex serve` they start with SIGINT: ignoring it, the server never stops, the fixture times out, and every test of
    the class fails whatever the mutant, unmutated included.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)


def run(cmd, cwd, log, timeout):
    """Runs cmd in its own process group; on timeout the whole group is ended. Returns (exit code or None, seconds)."""
    start = time.monotonic()
    with open(log, "w", encoding="utf-8") as out:
        out.write("$ " + " ".join(cmd) + "\n")
        out.flush()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                preexec_fn=hear_interrupts)
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            code = None
        except BaseException:
            # Interrupted (Ctrl-C): the child runs in its own session and would not hear it; end it too.
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise
    return code, time.monotonic() - start


# Mutants may leave unreachable code or unused variables behind: that is the point, not an error.
BUILD_FLAGS = ["-p:TreatWarningsAsErrors=false", "-p:RunAnalyzers=false", "-p:EnforceCodeStyleInBuild=false",
               "-p:GenerateDocumentationFile=false", "-nologo", "-v:q"]


def build(scratch, project, log, timeout):
    return run(["dotnet", "build", os.path.join("tests", project), "--no-restore"] + BUILD_FLAGS, scratch, log, timeout)


def test(scratch, project, test_filter, results_dir, log, timeout):
    shutil.rmtree(results_dir, ignore_errors=True)
    cmd = ["dotnet", "test", os.path.join("tests", project), "--no-build", "--nologo",
           "--logger", "trx;LogFileName=run.trx", "--results-directory", results_dir]
    if test_filter:
        cmd += ["--filter", test_filter]
    code, seconds = run(cmd, scratch, log, timeout)
    return code, seconds, read_trx(os.path.join(results_dir, "run.trx"))


def read_trx(path):
    """(passed, failed test names) from a TRX file; (0, []) when there is none."""
    if not os.path.exists(path):
        return 0, []
    ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
    root = ET.parse(path).getroot()
    passed, failed = 0, []
    for r in root.iterfind(".//t:UnitTestResult", ns):
        outcome = r.get("outcome")
        if outcome == "Passed":
            passed += 1
        elif outcome == "Failed":
            failed.append(r.get("testName"))
    return passed, sorted(set(failed))


def killers(failed):
    """Failed tests as Class.Method, namespace dropped; the cases of one theory are counted, not listed."""
    cases = {}
    for name in failed:
        head = name.partition("(")[0]
        key = ".".join(head.split(".")[-2:])
        cases[key] = cases.get(key, 0) + 1
    return ", ".join(k if n == 1 else f"{k} ({n} cases)" for k, n in sorted(cases.items()))


def main():
    ap = argparse.ArgumentParser(description="Inverts or deletes each guard of mutants.txt in turn and reports which tests kill it.")
    ap.add_argument("--mutants", default=os.path.join(HERE, "mutants.txt"), help="the mutant list (default: mutants.txt here)")
    ap.add_argument("--repo", default=os.path.abspath(os.path.join(HERE, "..", "..")), help="the repository to copy (default: this one)")
    ap.add_argument("--scratch", default=os.environ.get("TELEX_MUTANTS_SCRATCH", "/tmp/telex-mutants"),
                    help="the scratch copy, kept between runs for incremental builds (default: /tmp/telex-mutants)")
    ap.add_argument("--only", action="append", default=[], metavar="NAME",
                    help="run only this mutant (repeatable; a trailing * matches a prefix)")
    ap.add_argument("--all-tests", action="store_true", help="run the mutant's whole test project instead of its filter")
    ap.add_argument("--baseline", action="store_true",
                    help="first run each distinct test filter unmutated: a filter failing there would make kills meaningless")
    ap.add_argument("--list", action="store_true", help="list the mutants with file:line and exit")
    ap.add_argument("--check", action="store_true", help="check that every fragment occurs exactly once, and exit")
    ap.add_argument("--test-timeout", type=int, default=900, help="seconds for one test run; a timeout counts as killed (default 900)")
    ap.add_argument("--build-timeout", type=int, default=900, help="seconds for one build (default 900)")
    args = ap.parse_args()

    mutants = parse_mutants(args.mutants)
    problems = locate(args.repo, mutants)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        sys.exit(2)
    if args.check:
        print(f"{len(mutants)} mutants, every fragment found once")
        return
    if args.only:
        def wanted(m):
            return any(m.name == o or (o.endswith("*") and m.name.startswith(o[:-1])) for o in args.only)
        mutants = [m for m in mutants if wanted(m)]
        if not mutants:
            sys.exit("no mutant matches --only")
    if args.list:
        for m in mutants:
            print(f"{m.name:44} {m.file}:{m.line}  [{m.project}] {m.tests}")
        return

    if "TELEX_TEST_POSTGRES" not in os.environ:
        print("note: TELEX_TEST_POSTGRES is not set; tests that need PostgreSQL will not run", file=sys.stderr)

    logs = os.path.join(args.scratch, ".mutants-logs")
    print(f"syncing {args.repo} -> {args.scratch}: ", end="", flush=True)
    print(f"{sync(args.repo, args.scratch)} files copied", flush=True)
    os.makedirs(logs, exist_ok=True)

    projects = sorted({m.project for m in mutants})
    for project in projects:
        code, _ = run(["dotnet", "restore", os.path.join("tests", project), "--nologo", "-v:q"], args.scratch,
                      os.path.join(logs, f"restore-{project}.log"), args.build_timeout)
        if code != 0:
            sys.exit(f"restore of {project} failed; see {logs}/restore-{project}.log")
        code, seconds = build(args.scratch, project, os.path.join(logs, f"build-{project}.log"), args.build_timeout)
        if code != 0:
            sys.exit(f"the unmutated build of {project} failed; see {logs}/build-{project}.log")
        print(f"unmutated build of {project}: {seconds:.0f} s", flush=True)

    if args.baseline:
        for project, test_filter in sorted({(m.project, None if args.all_tests else m.tests) for m in mutants}, key=str):
            code, seconds, (passed, failed) = test(args.scratch, project, test_filter, os.path.join(logs, "baseline"),
                                                   os.path.join(logs, "baseline.log"), args.test_timeout)
            state = "ok" if code == 0 and passed > 0 else f"FAILING ({killers(failed) or 'no test ran'})"
            print(f"baseline [{project}] {test_filter or '(all)'}: {passed} passed, {seconds:.0f} s, {state}", flush=True)
            if state != "ok":
                sys.exit("a baseline fails unmutated: fix it before reading kills")

    rows = []
    for m in mutants:
        path = os.path.join(args.scratch, m.file)
        with open(path, encoding="utf-8") as f:
            original = f.read()
        changed = mutated(original, m)
        if changed is None:
            rows.append((m, "error", "fragment not found once in the scratch copy", 0, 0))
            continue
        log = os.path.join(logs, m.name)
        try:
            with open(path, "w", encoding="utf-8") as f:
                f.write(changed)
            code, build_s = build(args.scratch, m.project, log + ".build.log", args.build_timeout)
            if code != 0:
                rows.append((m, "build-error", f"does not compile; see {log}.build.log", build_s, 0))
            else:
                code, test_s, (passed, failed) = test(args.scratch, m.project, None if args.all_tests else m.tests,
                                                      os.path.join(logs, m.name + ".results"), log + ".test.log",
                                                      args.test_timeout)
                if code is None:
                    rows.append((m, "killed", f"timeout after {args.test_timeout} s", build_s, test_s))
                elif failed:
                    rows.append((m, "killed", killers(failed), build_s, test_s))
                elif code != 0:
                    rows.append((m, "killed", f"test run exited {code} (crash?); see {log}.test.log", build_s, test_s))
                elif passed == 0:
                    rows.append((m, "error", "no test matched the filter", build_s, test_s))
                else:
                    rows.append((m, "survived", f"{passed} tests passed", build_s, test_s))
        finally:
            with open(path, "w", encoding="utf-8") as f:
                f.write(original)
        r = rows[-1]
        print(f"{r[1]:11} {m.name} ({r[3]:.0f} s build, {r[4]:.0f} s tests): {r[2]}", flush=True)

    # Leave the scratch build unmutated for the next run.
    for project in projects:
        build(args.scratch, project, os.path.join(logs, f"build-{project}.log"), args.build_timeout)

    print()
    width = max(len(m.name) for m, *_ in rows)
    where_width = max(len(f"{m.file.split('/')[-1]}:{m.line}") for m, *_ in rows)
    print(f"{'mutant':{width}}  {'file:line':{where_width}}  {'result':11}  killed by / detail")
    for m, result, detail, *_ in rows:
        print(f"{m.name:{width}}  {m.file.split('/')[-1] + ':' + str(m.line):{where_width}}  {result:11}  {detail}")
    killed = sum(1 for r in rows if r[1] == "killed")
    survived = sum(1 for r in rows if r[1] == "survived")
    other = len(rows) - killed - survived
    print(f"\n{len(rows)} mutants, {killed} killed, {survived} survived" + (f", {other} not run (build or list errors)" if other else ""))
    sys.exit(1 if survived or other else 0)


if __name__ == "__main__":
    main()
