#!/usr/bin/python3
"""The scheduler job definitions in lab-config/ci/ against the real assay.

Parses lab-config/ci/lava-assay.yaml (a LAVA test definition) and
lab-config/ci/gitlab-assay.yml (GitLab CI jobs) and checks that:

- each has the shape its scheduler needs (LAVA: metadata with the format,
  name and description, install and run steps; GitLab: a job tagged for
  the bench with 'when: always' artifacts, a JUnit report and the run
  folder);
- every assay command they run is a real command of the built assay and
  every option they give it is in 'assay COMMAND --help' (a renamed option
  fails here, not on the bench at night);
- they run an assessment of the lab's DUT and a diff against the pinned
  baseline, and never write into the sealed run folder;
- what they publish is what assay writes: the JUnit report is the -o of
  'assay diff --format junit', the run folder holds junit.xml (checked on a
  real offline run);
- lab-config/ci/junit-to-lava.sh turns a real diff JUnit into one
  lava-test-case per testcase with the right results.

Usage: jobdefs.py ASSAY SRCDIR.  Exits 77 when PyYAML is missing.
"""
import os
import re
import shlex
import subprocess
import sys
import tempfile

try:
    import yaml
except ImportError:
    print("SKIP: python3-yaml is not installed (tools/install-deps.sh "
          "installs it)")
    sys.exit(77)

ASSAY, SRC = sys.argv[1], sys.argv[2]
CI = os.path.join(SRC, "lab-config", "ci")
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


def assay(*args, check=None):
    p = subprocess.run([ASSAY] + list(args), capture_output=True, text=True,
                       timeout=120, env=dict(os.environ, ASSAY_SRCDIR=SRC))
    if check is not None and p.returncode != check:
        fail("assay %s: exit %d, want %d\n%s" % (" ".join(args),
             p.returncode, check, p.stderr))
    return p


def commands():
    """The commands of 'assay --help'."""
    out = assay("--help", check=0).stdout
    part = out.split("Commands:", 1)[1].split("\n\n", 1)[0]
    return {l.split()[0] for l in part.strip().splitlines()}


HELP = {}


def help_of(cmd):
    if cmd not in HELP:
        HELP[cmd] = assay(cmd, "--help", check=0).stdout
    return HELP[cmd]


ASSAY_RE = re.compile(r'"?\$\{?ASSAY\}?"?\s+(.*)')


def invocations(lines):
    """Each assay invocation in shell lines, as a token list after the
    binary, up to the first shell operator."""
    found = []
    for line in lines:
        rest = line
        while True:
            m = ASSAY_RE.search(rest)
            if m is None:
                break
            tail = m.group(1)
            lex = shlex.shlex(tail, posix=True, punctuation_chars=";&|")
            lex.whitespace_split = True
            toks = []
            try:
                for t in lex:
                    if t in (";", "||", "&&", "|", ";;", "&"):
                        break
                    toks.append(t)
            except ValueError as e:
                fail("cannot split %r: %s" % (line, e))
            found.append(toks)
            rest = tail
    return found


def check_invocation(toks, where):
    cmds = commands()
    if not toks:
        fail("%s: assay without a command" % where)
        return
    cmd = toks[0]
    if cmd not in cmds:
        fail("%s: 'assay %s' is not an assay command (%s)" % (where, cmd,
             ", ".join(sorted(cmds))))
        return
    text = help_of(cmd)
    for t in toks[1:]:
        # ${VAR:+--opt "$VAR"} gives --opt when the variable is set.
        for opt in re.findall(r"(?:^|[^\w-])(--[a-z][a-z-]*)", t):
            if not re.search(re.escape(opt) + r"\b", text):
                fail("%s: 'assay %s %s' is not an option in 'assay %s "
                     "--help'" % (where, cmd, opt, cmd))
    if cmd == "baseline":
        sub = toks[1] if len(toks) > 1 else ""
        if sub not in ("pin", "show", "unpin", "list") or sub not in text:
            fail("%s: 'assay baseline %s' is not a baseline subcommand"
                 % (where, sub))


def option(toks, name):
    for i, t in enumerate(toks):
        if t == name and i + 1 < len(toks):
            return toks[i + 1]
    return None


def check_common(invs, where):
    for toks in invs:
        check_invocation(toks, where)
    runs = [t for t in invs if t and t[0] == "run"]
    diffs = [t for t in invs if t and t[0] == "diff"]
    if not any("--lab" in t and "--dut" in t and "--batch" in t
               for t in runs):
        fail("%s: no 'assay run --lab ... --dut ... --batch'" % where)
    if not any("--baseline" in t for t in diffs):
        fail("%s: no 'assay diff --baseline'" % where)
    out = None
    for t in runs:
        out = option(t, "--out") or out
    for t in diffs:
        o = option(t, "-o")
        if o is not None and out is not None and o.startswith(out + "/"):
            fail("%s: diff -o %s writes into the sealed run folder" %
                 (where, o))
    return runs, diffs, out


def run_folder_files():
    """The files an offline run writes at the top of its folder."""
    tmp = tempfile.mkdtemp()
    folder = os.path.join(tmp, "run")
    p = assay("run", "--offline", "--batch", "--out", folder,
              os.path.join(SRC, "ics-ixit/examples/ipcam"))
    if p.returncode not in (0, 1, 3):
        fail("offline run: exit %d\n%s" % (p.returncode, p.stderr))
        return tmp, folder, set()
    return tmp, folder, set(os.listdir(folder))


def check_lava(tmp, files):
    path = os.path.join(CI, "lava-assay.yaml")
    with open(path) as f:
        d = yaml.safe_load(f)
    md = d.get("metadata", {})
    if md.get("format") != "Lava-Test Test Definition 1.0":
        fail("lava: metadata.format is not 'Lava-Test Test Definition 1.0'")
    for k in ("name", "description", "os", "scope"):
        if not md.get(k):
            fail("lava: metadata.%s is missing" % k)
    steps = d.get("run", {}).get("steps")
    inst = d.get("install", {}).get("steps")
    if not isinstance(steps, list) or not all(isinstance(s, str)
                                              for s in steps):
        fail("lava: run.steps is not a list of shell lines")
        return
    if not isinstance(inst, list) or not inst:
        fail("lava: install.steps is missing")
    params = d.get("params", {})
    for k in ("ASSAY", "LAB", "DUT", "RUNS_DIR"):
        if k not in params:
            fail("lava: params.%s is missing" % k)
    # Every $VAR the steps use is a param or set in the steps.
    text = "\n".join(steps + (inst or []))
    used = set(re.findall(r"\$\{?([A-Z_][A-Z0-9_]*)", text))
    assigned = set(re.findall(r"(?:^|;\s*|\s)([A-Za-z_][A-Za-z0-9_]*)=",
                              text))
    for v in sorted(used - set(params) - assigned):
        fail("lava: $%s is neither a param nor set in the steps" % v)
    invs = invocations(steps + (inst or []))
    runs, diffs, out = check_common(invs, "lava")
    if "lava-test-case" not in text:
        fail("lava: no lava-test-case results")
    for t in diffs:
        if option(t, "--format") == "junit" and option(t, "-o") is None:
            fail("lava: diff --format junit without -o")
    # The run folder's junit.xml it reads is one assay writes.
    for m in re.findall(r'"\$RUN/([^"]+)"', text):
        if m not in files:
            fail("lava: reads $RUN/%s, which a run folder does not have "
                 "(%s)" % (m, ", ".join(sorted(files))))
    for m in re.findall(r'"\$ASSAY_SRC/([^"]+)"', text):
        # build/ is made by the install steps.
        if not m.startswith("build") and \
                not os.path.exists(os.path.join(SRC, m)):
            fail("lava: uses $ASSAY_SRC/%s, which is not in the tree" % m)


def check_gitlab(files):
    path = os.path.join(CI, "gitlab-assay.yml")
    with open(path) as f:
        d = yaml.safe_load(f)
    jobs = {k: v for k, v in d.items() if isinstance(v, dict) and
            "script" in v}
    if "assay-assessment" not in jobs:
        fail("gitlab: no job assay-assessment")
        return
    for name, job in jobs.items():
        if not job.get("tags"):
            fail("gitlab: %s has no runner tags (it needs the bench)" % name)
        if job.get("stage") not in d.get("stages", []):
            fail("gitlab: %s has stage %r, not in stages" %
                 (name, job.get("stage")))
    job = jobs["assay-assessment"]
    script = job["script"]
    invs = invocations(script)
    runs, diffs, out = check_common(invs, "gitlab")
    art = job.get("artifacts", {})
    if art.get("when") != "always":
        fail("gitlab: artifacts are not 'when: always' (a regression "
             "must still publish its evidence)")
    junit = art.get("reports", {}).get("junit")
    junit = [junit] if isinstance(junit, str) else junit or []
    if not junit:
        fail("gitlab: no artifacts:reports:junit")
    paths = art.get("paths", [])
    outs = {option(t, "-o") for t in diffs
            if option(t, "--format") == "junit"}
    copies = set(re.findall(r'cp -a "\$RUN" (\S+)', "\n".join(script)))
    for j in junit:
        ok = j in outs
        for c in copies:
            # A run folder copied into the project: its junit.xml.
            if j == c.rstrip("/") + "/junit.xml" and "junit.xml" in files:
                ok = True
        if not ok:
            fail("gitlab: JUnit report %s is not written by the job's "
                 "'assay diff --format junit -o' nor a run folder's "
                 "junit.xml" % j)
        if j not in paths:
            fail("gitlab: JUnit report %s is not among the artifacts" % j)
    for p in paths:
        if p not in outs and p.rstrip("/") not in {c.rstrip("/")
                                                     for c in copies}:
            fail("gitlab: artifact %s is not made by the job" % p)
    if not copies or not any(c.rstrip("/") in {p.rstrip("/")
                                              for p in paths}
                             for c in copies):
        fail("gitlab: the run folder is not published as an artifact")
    if out is None or "$RUN" not in out:
        fail("gitlab: assay run --out is not the job's $RUN")
    if "RUN" not in job.get("variables", {}):
        fail("gitlab: the job does not define RUN")
    pin = [t for name, j in jobs.items() for t in invocations(j["script"])
           if t[:2] == ["baseline", "pin"]]
    if not pin:
        fail("gitlab: no job pins a baseline")


def check_junit_to_lava(tmp, folder):
    """junit-to-lava.sh on a real diff's JUnit, with a fake
    lava-test-case that records its arguments."""
    cam2 = os.path.join(tmp, "cam2")
    subprocess.run(["cp", "-r", os.path.join(SRC, "ics-ixit/examples/ipcam"),
                    cam2], check=True)
    ans = os.path.join(cam2, "answers.xml")
    with open(ans) as f:
        s = f.read()
    s = s.replace('case="5.2-1-1" unit="a" verdict="PASS"',
                  'case="5.2-1-1" unit="a" verdict="FAIL"')
    s = s.replace('case="5.3-2-1" unit="a" verdict="FAIL"',
                  'case="5.3-2-1" unit="a" verdict="PASS"')
    with open(ans, "w") as f:
        f.write(s)
    new = os.path.join(tmp, "run2")
    assay("run", "--offline", "--batch", "--out", new, cam2)
    junit = os.path.join(tmp, "diff-junit.xml")
    assay("diff", "--format", "junit", "-o", junit, folder, new, check=1)
    bindir = os.path.join(tmp, "bin")
    os.mkdir(bindir)
    log = os.path.join(tmp, "lava.log")
    fake = os.path.join(bindir, "lava-test-case")
    with open(fake, "w") as f:
        f.write('#!/bin/sh\necho "$*" >>"%s"\n' % log)
    os.chmod(fake, 0o755)
    env = dict(os.environ, PATH=bindir + ":" + os.environ["PATH"])
    p = subprocess.run(["sh", os.path.join(CI, "junit-to-lava.sh"), "diff",
                        junit], env=env, capture_output=True, text=True,
                       timeout=60)
    if p.returncode != 0:
        fail("junit-to-lava.sh: exit %d: %s" % (p.returncode, p.stderr))
        return
    with open(log) as f:
        got = sorted(f.read().splitlines())
    want = ["diff-5.2-1-1-a --result fail", "diff-5.3-2-1-a --result pass"]
    if got != want:
        fail("junit-to-lava.sh gave %r, want %r" % (got, want))


def main():
    for f in ("lava-assay.yaml", "gitlab-assay.yml", "junit-to-lava.sh"):
        if not os.path.exists(os.path.join(CI, f)):
            fail("lab-config/ci/%s is missing" % f)
    if failures:
        sys.exit(1)
    p = subprocess.run(["sh", "-n", os.path.join(CI, "junit-to-lava.sh")],
                       capture_output=True, text=True)
    if p.returncode != 0:
        fail("junit-to-lava.sh: %s" % p.stderr)
    tmp, folder, files = run_folder_files()
    try:
        if "junit.xml" not in files:
            fail("a run folder has no junit.xml")
        check_lava(tmp, files)
        check_gitlab(files)
        check_junit_to_lava(tmp, folder)
    finally:
        subprocess.run(["rm", "-rf", tmp])
    if failures:
        print("%d problem(s) in the job definitions" % len(failures))
        sys.exit(1)
    print("ok: the LAVA and GitLab job definitions use real assay commands "
          "and options, and publish what assay writes")


main()
