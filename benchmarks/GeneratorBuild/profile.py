#!/usr/bin/env python3
"""Splits the build's extra cost into running the generators and compiling the code they emit, by CPU time.

Usage: profile.py [--rounds N] [--configs all,all-src,...]   (after a full run.sh, which leaves what this needs in work/)

run.sh times whole `dotnet build`s. This script reruns only the compiler, with the exact csc command lines those
builds logged (work/logs/r1-<variant>-full.log), changed one way at a time:

  all                  as the toolkit build ran it: MessageContracts generator and analyzers, SDK analyzers and generators
  all-src              the same sources plus the toolkit's generated files (work/generated) as ordinary sources, with the
                       MessageContracts generator and analyzers removed: compiling the generated code, without producing it
  all-src-nomodule     all-src without the generated handler module (dispatch and registration)
  all-src-nocontracts  all-src without the generated contract files (the module and the shared part codecs only)
  stj                  as the System.Text.Json source-generation build ran it
  stj-src              its generated files (work/generated-stj) as sources, the System.Text.Json generator removed
  none                 without any serializer
  before               all, with the generator, the analyzers and the runtime of another build (--before-artifacts:
                       the artifacts folder of an earlier run.sh): the toolkit before and after a change, side by side

Each configuration runs once per round, in an order that alternates between rounds; a run's CPU time is user + sys of
the csc process (all its threads), which varies far less with the machine's load than wall time. Prints a markdown
table of medians (min-max) and the derived split.

  profile.py --trace CONFIG    instead, one run of CONFIG under dotnet-trace (thread-time samples of csc) into
                               work/traces/CONFIG.nettrace, and its top methods by inclusive and exclusive time
"""
import argparse
import os
import re
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, "work")
PROJECT = os.path.join(WORK, "Bench")
CONFIGS = ["all", "all-src", "all-src-nomodule", "all-src-nocontracts", "stj", "stj-src", "none", "before"]
BEFORE_ARTIFACTS = None  # set from --before-artifacts


def logged_command(variant):
    """The csc command line of round 1's full build of VARIANT, as a list (csc first)."""
    path = os.path.join(WORK, "logs", f"r1-{variant}-full.log")
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if "/Roslyn/bincore/csc " in line and " /noconfig " in line:
                # posix=False keeps the quotes: csc itself splits an unquoted argument at commas.
                return shlex.split(line.strip(), posix=False)
    sys.exit(f"no csc command line in {path}: run run.sh (without --quick) first")


def generated_files(directory, generator):
    root = os.path.join(WORK, directory, generator)
    files = []
    for folder, _, names in os.walk(root):
        files += [os.path.join(folder, n) for n in names if n.endswith(".cs")]
    if not files:
        sys.exit(f"no generated files under {root}: run run.sh (without --quick) first")
    return sorted(files)


def without_analyzer(args, *names):
    return [a for a in args if not (a.startswith("/analyzer:") and any(a.strip('"').endswith("/" + n + ".dll") for n in names))]


def command(config):
    if config == "before":
        if BEFORE_ARTIFACTS is None:
            sys.exit("the configuration 'before' needs --before-artifacts")
        ours = os.path.join(WORK, "artifacts") + "/"
        swapped = ("/MessageContracts.Generators.dll", "/MessageContracts.Analyzers.dll", "/ref/MessageContracts.dll")
        args = [a.replace(ours, BEFORE_ARTIFACTS.rstrip("/") + "/") if a.startswith(("/analyzer:", "/reference:")) and a.endswith(swapped) else a
                for a in logged_command("all")]
        if args == logged_command("all"):
            sys.exit("--before-artifacts changed nothing in the command line")
        return args
    if config.startswith("all"):
        args = logged_command("all")
        if config != "all":
            args = without_analyzer(args, "MessageContracts.Generators", "MessageContracts.Analyzers")
            files = generated_files("generated", "MessageContracts.Generators")
            if config == "all-src-nomodule":
                files = [f for f in files if not os.path.basename(f).startswith("MessageContracts.Module")]
            elif config == "all-src-nocontracts":
                files = [f for f in files if not f.endswith(".Contract.g.cs")]
            args += files
        return args
    if config.startswith("stj"):
        args = logged_command("stj")
        if config == "stj-src":
            args = without_analyzer(args, "System.Text.Json.SourceGeneration")
            args += generated_files("generated-stj", "System.Text.Json.SourceGeneration")
        return args
    return logged_command("none")


def run(config, out_dir):
    args = command(config)
    args = [f"/out:{out_dir}/Bench.dll" if a.startswith("/out:") else f"/refout:{out_dir}/Bench.ref.dll" if a.startswith("/refout:") else a for a in args]
    started = time.time()
    process = subprocess.Popen(args, cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = process.communicate()[0]
    wall = time.time() - started
    if process.returncode != 0:
        sys.exit(f"{config}: csc failed\n" + "\n".join(output.splitlines()[-30:]))

    def total(label):
        m = re.search(label + r" execution time: ([0-9.]+) seconds", output)
        return float(m.group(1)) if m else 0.0

    return {"wall": wall, "generators": total("Total generator"), "analyzers": total("Total analyzer"), "load": os.getloadavg()[0]}


def trace(config):
    """One run of CONFIG under dotnet-trace; prints dotnet-trace's top-N reports."""
    tool = os.path.expanduser("~/.dotnet/tools/dotnet-trace")
    if not os.path.exists(tool):
        sys.exit("dotnet-trace not found: dotnet tool install -g dotnet-trace")
    traces = os.path.join(WORK, "traces")
    os.makedirs(traces, exist_ok=True)
    output = os.path.join(traces, config + ".nettrace")
    with tempfile.TemporaryDirectory(prefix="bench-trace-") as out_dir:
        args = [f"/out:{out_dir}/Bench.dll" if a.startswith("/out:") else f"/refout:{out_dir}/Bench.ref.dll" if a.startswith("/refout:") else a for a in command(config)]
        rsp = os.path.join(out_dir, "csc.rsp")
        with open(rsp, "w", encoding="utf-8") as f:
            f.write("\n".join(args[1:]))
        result = subprocess.run([tool, "collect", "--profile", "dotnet-sampled-thread-time", "-o", output, "--", args[0], "@" + rsp],
                                cwd=PROJECT, capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit(f"dotnet-trace failed ({result.returncode}):\n" + "\n".join((result.stdout + result.stderr).splitlines()[-20:]))
    for flags in (["--inclusive"], []):
        print(f"## {config}: top methods{' (inclusive)' if flags else ' (exclusive)'}")
        print(subprocess.run([tool, "report", output, "topN", "-n", "40"] + flags, capture_output=True, text=True, check=True).stdout)


def children_cpu():
    """User + sys of every child process this script has waited for so far (csc runs one at a time)."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def cell(values, fmt="{:.1f}"):
    if not values:
        return "–"
    if len(values) == 1:
        return fmt.format(values[0])
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--configs", default=",".join(CONFIGS))
    p.add_argument("--trace", metavar="CONFIG", help="trace one run of CONFIG with dotnet-trace instead")
    p.add_argument("--before-artifacts", metavar="DIR", help="the artifacts folder of an earlier run.sh, for the configuration 'before'")
    a = p.parse_args()
    global BEFORE_ARTIFACTS
    BEFORE_ARTIFACTS = a.before_artifacts
    if a.trace:
        trace(a.trace)
        return
    configs = [c for c in a.configs.split(",") if c]
    for c in configs:
        if c not in CONFIGS:
            sys.exit(f"unknown configuration {c}; one of {', '.join(CONFIGS)}")

    results = {c: [] for c in configs}
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as out_dir:
        for r in range(1, a.rounds + 1):
            order = configs if r % 2 == 1 else list(reversed(configs))
            for c in order:
                before = children_cpu()
                figures = run(c, out_dir)
                figures["cpu"] = children_cpu() - before
                results[c].append(figures)
                print(f"  round {r}  {c:<20} cpu {figures['cpu']:6.1f} s  wall {figures['wall']:6.1f} s  load {figures['load']:.1f}", file=sys.stderr)

    def med(c, key):
        return statistics.median(x[key] for x in results[c]) if c in results and results[c] else float("nan")

    print(f"csc alone, {a.rounds} round(s); median (min–max) in seconds; CPU = user + sys of csc.")
    print()
    print("| configuration | CPU | wall | generators (ReportAnalyzer) | analyzers (ReportAnalyzer) | 1-min load after |")
    print("| --- | --- | --- | --- | --- | --- |")
    for c in configs:
        rows = results[c]
        print(f"| {c} | {cell([x['cpu'] for x in rows])} | {cell([x['wall'] for x in rows])} | "
              f"{cell([x['generators'] for x in rows], '{:.2f}')} | {cell([x['analyzers'] for x in rows], '{:.2f}')} | "
              f"{cell([x['load'] for x in rows])} |")
    print()
    derived = [
        ("the toolkit's generator and analyzers running: all − all-src", "all", "all-src"),
        ("compiling the toolkit's generated code: all-src − none", "all-src", "none"),
        ("of which the handler module: all-src − all-src-nomodule", "all-src", "all-src-nomodule"),
        ("of which the contract files: all-src − all-src-nocontracts", "all-src", "all-src-nocontracts"),
        ("the System.Text.Json generator running: stj − stj-src", "stj", "stj-src"),
        ("compiling System.Text.Json's generated code: stj-src − none", "stj-src", "none"),
        ("toolkit build − stj build: all − stj", "all", "stj"),
        ("this toolkit − the one before: all − before", "all", "before"),
    ]
    print("| CPU seconds (medians) | |")
    print("| --- | --- |")
    for label, x, y in derived:
        if x in results and y in results:
            print(f"| {label} | {med(x, 'cpu') - med(y, 'cpu'):.1f} |")
    for x, y in (("all", "stj"), ("before", "stj"), ("all", "before")):
        if x in results and y in results:
            ratios = [s["cpu"] / t["cpu"] for s, t in zip(results[x], results[y])]
            walls = [s["wall"] / t["wall"] for s, t in zip(results[x], results[y])]
            print(f"| {x} ÷ {y}, paired per round: CPU | {cell(ratios, '{:.2f}')}× |")
            print(f"| {x} ÷ {y}, paired per round: wall | {cell(walls, '{:.2f}')}× |")


if __name__ == "__main__":
    main()
