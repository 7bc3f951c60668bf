#!/usr/bin/env python3
"""Reads the logs run.sh writes and prints the results.

  report.py meta                                   machine and tool versions, as JSON (run.sh stores it)
  report.py parse LOG ROUND VARIANT KIND WALL CPU  one build's figures from its -v:d log, as one JSON line
  report.py gensize DIR [GENERATOR]                files, lines and bytes of GENERATOR's sources in DIR (default: ours), as JSON
  report.py summary RESULTS META [GENSIZE]         the markdown tables for docs/benchmarks.md

A build log is `dotnet build -v:d -clp:PerformanceSummary -p:ReportAnalyzer=true` of the benchmark project alone
(BuildProjectReferences=false), so it holds exactly one csc run and one ReportAnalyzer report.
"""
import json
import os
import re
import statistics
import subprocess
import sys

GENERATOR = "MessageContracts.Generators"
STJ_GENERATOR = "System.Text.Json.SourceGeneration"
ANALYZERS = "MessageContracts.Analyzers"
ROW = re.compile(r"^\s+(<?[0-9.]+)\s+(<?[0-9]+)\s+(\S.*?)\s*$")


def seconds(text):
    return 0.0 if text.startswith("<") else float(text)


def parse(log, round_, variant, kind, wall, cpu):
    analyzers, generators = {}, {}  # assembly or component name -> seconds
    totals = {}
    section = None
    csc_ms = core_ms = None
    task_ms = 0
    csc_calls = 0
    compiler = None
    elapsed = None
    reports = 0
    with open(log, encoding="utf-8", errors="replace") as f:
        for line in f:
            if "Total analyzer execution time:" in line:
                totals["analyzers"] = float(re.search(r"([0-9.]+) seconds", line).group(1))
                reports += 1
                continue
            if "Total generator execution time:" in line:
                totals["generators"] = float(re.search(r"([0-9.]+) seconds", line).group(1))
                continue
            if re.search(r"Time \(s\)\s+%\s+Analyzer\s*$", line):
                section = analyzers
                continue
            if re.search(r"Time \(s\)\s+%\s+Generator\s*$", line):
                section = generators
                continue
            m = ROW.match(line) if section is not None else None
            if m:
                name = m.group(3)
                if ", Version=" in name:  # an assembly's total
                    name = "assembly:" + name.split(",")[0]
                else:  # one analyzer or generator type; drop the "(MC0001, ...)" list
                    name = name.split(" (")[0]
                section[name] = section.get(name, 0.0) + seconds(m.group(1))
                continue
            if section is not None and line.strip() and not m:
                section = None
            m = re.match(r"^\s+(\d+) ms\s+Csc\s+(\d+) calls", line)
            if m:
                csc_ms, csc_calls = int(m.group(1)), int(m.group(2))
            m = re.match(r"^\s+(\d+) ms\s+CoreCompile\s+(\d+) calls", line)
            if m:
                core_ms = int(m.group(1))
            m = re.match(r"^\s+(\d+) ms\s+WriteContractDocuments\s+(\d+) calls", line)
            if m:
                task_ms = int(m.group(1))
            m = re.search(r"Visual C# Compiler version (\S+)", line)
            if m:
                compiler = m.group(1)
            m = re.match(r"^Time Elapsed (\d+):(\d+):([0-9.]+)", line)
            if m:
                elapsed = int(m.group(1)) * 3600 + int(m.group(2)) * 60 + float(m.group(3))
    if csc_calls != 1 or reports != 1:
        sys.exit(f"{log}: expected one csc run with one ReportAnalyzer report, found {csc_calls} csc run(s) and {reports} report(s)")
    return {
        "round": int(round_), "variant": variant, "kind": kind, "wall": float(wall), "cpu": float(cpu), "msbuild": elapsed,
        "csc": csc_ms / 1000.0, "task": task_ms / 1000.0, "corecompile": (core_ms or 0) / 1000.0, "compiler": compiler,
        "analyzers_total": totals.get("analyzers", 0.0), "generators_total": totals.get("generators", 0.0),
        "generator": generators.get("assembly:" + GENERATOR, 0.0),
        "analyzers": analyzers.get("assembly:" + ANALYZERS, 0.0),
        "per_analyzer": {k[len(ANALYZERS) + 1:]: v for k, v in analyzers.items() if k.startswith(ANALYZERS + ".")},
        "netanalyzers": sum(v for k, v in analyzers.items() if k.startswith("assembly:Microsoft.CodeAnalysis") and "NetAnalyzers" in k),
        "other_generators": sum(v for k, v in generators.items() if k.startswith("assembly:") and k != "assembly:" + GENERATOR),
        "stj_generator": generators.get("assembly:" + STJ_GENERATOR, 0.0),
        "load": os.getloadavg()[0],  # read right after the build: the 1-minute load average it ran under
    }


def run(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
    except Exception:  # noqa: BLE001 - a missing tool only leaves a field empty
        return ""


def meta():
    mem = ""
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    os_name = ""
    if os.path.exists("/etc/os-release"):
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    os_name = line.split("=", 1)[1].strip().strip('"')
    cpu = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    repo = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    return {
        "nproc": run("nproc"), "cpu": cpu, "memory": mem, "os": os_name, "kernel": run("uname", "-r"),
        "dotnet": run("dotnet", "--version"), "commit": run("git", "-C", repo, "rev-parse", "--short", "HEAD"),
        "dirty": bool(run("git", "-C", repo, "status", "--porcelain", "--", "src")),
        "load_start": os.getloadavg(), "shared_compilation": os.environ.get("UseSharedCompilation", "(unset: on)"),
        "roslyn_package": roslyn_package(repo),
    }


def roslyn_package(repo):
    path = os.path.join(repo, "Directory.Packages.props")
    if os.path.exists(path):
        m = re.search(r'Include="Microsoft\.CodeAnalysis\.CSharp" Version="([^"]+)"', open(path).read())
        if m:
            return m.group(1)
    return "?"


def gensize(directory, generator=GENERATOR):
    files = lines = size = 0
    module = module_lines = 0
    contracts = contract_lines = 0
    shared = shared_lines = 0
    for root, _, names in os.walk(directory):
        if generator not in root:
            continue
        for n in names:
            if n.endswith(".cs"):
                p = os.path.join(root, n)
                files += 1
                size += os.path.getsize(p)
                with open(p, encoding="utf-8", errors="replace") as f:
                    count = sum(1 for _ in f)
                lines += count
                if "Module" in n:
                    module = os.path.getsize(p)
                    module_lines = count
                elif n.endswith(".Contract.g.cs"):
                    contracts += 1
                    contract_lines += count
                else:  # the part and enum codecs shared by the compilation
                    shared += 1
                    shared_lines += count
    return {"files": files, "lines": lines, "bytes": size, "module_bytes": module, "module_lines": module_lines,
            "contract_files": contracts, "contract_lines": contract_lines, "shared_files": shared, "shared_lines": shared_lines}


def med(values):
    return statistics.median(values) if values else float("nan")


def cell(values, fmt="{:.2f}", unit=" s"):
    if not values:
        return "–"
    if len(values) == 1:
        return fmt.format(values[0]) + unit
    return f"{fmt.format(med(values))}{unit} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def pct(values):
    return cell([v * 100 for v in values], "{:.1f}", " %")


def summary(results_path, meta_path, gensize_path=None, stj_gensize_path=None):
    rows = [json.loads(l) for l in open(results_path) if l.strip()]
    m = json.load(open(meta_path))
    g = json.load(open(gensize_path)) if gensize_path and os.path.exists(gensize_path) else None
    gs = json.load(open(stj_gensize_path)) if stj_gensize_path and os.path.exists(stj_gensize_path) else None
    rounds = sorted({r["round"] for r in rows})
    kinds = [("full", "full build"), ("edit", "incremental edit")]

    def pick(variant, kind):
        return sorted((r for r in rows if r["variant"] == variant and r["kind"] == kind), key=lambda r: r["round"])

    def paired(kind, f, first="all", second="none"):
        out = []
        for rnd in rounds:
            a = [r for r in rows if r["round"] == rnd and r["variant"] == first and r["kind"] == kind]
            b = [r for r in rows if r["round"] == rnd and r["variant"] == second and r["kind"] == kind]
            if a and b:
                out.append(f(a[0], b[0]))
        return out

    out = []
    w = out.append
    load_end = os.getloadavg()
    w(f"Rounds: {len(rounds)}; each cell is the median (min–max) over the rounds.")
    w(f"Machine: {m['nproc']} cores ({m['cpu']}), {m['memory']}, {m['os']} (kernel {m['kernel']}); .NET SDK {m['dotnet']}; "
      f"compiler {rows[0]['compiler'] if rows else '?'} (the generator and analyzers compile against Microsoft.CodeAnalysis.CSharp "
      f"{m['roslyn_package']}); UseSharedCompilation={m['shared_compilation']}; commit {m['commit']}"
      f"{' + uncommitted changes in src/' if m['dirty'] else ''}.")
    w(f"Load average (1/5/15 min) at start {tuple(round(x, 2) for x in m['load_start'])}, at end {tuple(round(x, 2) for x in load_end)}.")
    loads = [r["load"] for r in rows if "load" in r]
    if loads:
        w(f"1-minute load average right after each build: median {med(loads):.2f}, range {min(loads):.2f}–{max(loads):.2f}.")
    if gs:
        w(f"System.Text.Json generated sources (stj): {gs['files']} files, {gs['lines']:,} lines, {gs['bytes'] / 1e6:.1f} MB.")
    if g:
        w(f"Generated sources: {g['files']} files, {g['lines']:,} lines, {g['bytes'] / 1e6:.1f} MB "
          f"(the handler module alone {g['module_bytes'] / 1e3:.0f} kB).")
        if g.get("contract_files"):
            w(f"Per contract file: {g['contract_lines'] / g['contract_files']:.0f} lines on average ({g['contract_files']:,} files); "
              f"shared part and enum codecs: {g['shared_files']} files, {g['shared_lines']:,} lines; "
              f"handler module: {g['module_lines']:,} lines.")
    w("")
    w("| | full build | incremental edit |")
    w("| --- | --- | --- |")

    def line(label, f, variant="all", fmt=cell):
        cells = [fmt([f(r) for r in pick(variant, k)]) for k, _ in kinds]
        w(f"| {label} | " + " | ".join(cells) + " |")

    def toolkit(r):
        return r["generator"] + r["analyzers"]

    line("`dotnet build` wall time, with the toolkit", lambda r: r["wall"])
    line("CPU time of the build (user + sys, csc included), with the toolkit", lambda r: r.get("cpu", float("nan")))
    line("csc (Csc task)", lambda r: r["csc"])
    line("MessageContracts generator", lambda r: r["generator"])
    line("MessageContracts analyzers (sum)", lambda r: r["analyzers"])
    names = sorted({n for r in rows for n in r["per_analyzer"]})
    for n in names:
        line(f"&nbsp;&nbsp;{n}", lambda r, n=n: r["per_analyzer"].get(n, 0.0))
    line("**toolkit = generator + analyzers**", toolkit)
    line("toolkit share of the build wall time", lambda r: toolkit(r) / r["wall"], fmt=pct)
    line("toolkit share of csc", lambda r: toolkit(r) / r["csc"], fmt=pct)
    line("**toolkit adds: toolkit / (wall − toolkit)** (target < 15 %)", lambda r: toolkit(r) / (r["wall"] - toolkit(r)), fmt=pct)
    line("**analyzers add: analyzers / (wall − analyzers)** (target < 5 %)", lambda r: r["analyzers"] / (r["wall"] - r["analyzers"]), fmt=pct)
    line("for scale: SDK NetAnalyzers (CA rules, on by default)", lambda r: r["netanalyzers"])
    line("for scale: the SDK's other generators", lambda r: r["other_generators"])
    line("`dotnet build` wall time, same sources without the toolkit", lambda r: r["wall"], variant="none")
    line("CPU time of the build, without the toolkit", lambda r: r.get("cpu", float("nan")), variant="none")
    line("csc, without the toolkit", lambda r: r["csc"], variant="none")
    cells = [pct(paired(k, lambda a, b: a["wall"] / b["wall"] - 1)) for k, _ in kinds]
    w("| **with vs without the toolkit: wall time, paired per round** | " + " | ".join(cells) + " |")
    cells = [pct(paired(k, lambda a, b: a["csc"] / b["csc"] - 1)) for k, _ in kinds]
    w("| with vs without the toolkit: csc time, paired per round | " + " | ".join(cells) + " |")
    cells = [pct(paired(k, lambda a, b: a.get("cpu", float("nan")) / b.get("cpu", float("nan")) - 1)) for k, _ in kinds]
    w("| with vs without the toolkit: CPU time, paired per round | " + " | ".join(cells) + " |")
    cells = [cell(paired(k, lambda a, b: (a["csc"] - b["csc"]) - (a["generator"] + a["analyzers"]))) for k, _ in kinds]
    w("| csc time left for compiling the generated code: Δcsc − toolkit | " + " | ".join(cells) + " |")
    if any(r["variant"] == "stj" for r in rows):
        line("`dotnet build` wall time, System.Text.Json source generation instead (stj)", lambda r: r["wall"], variant="stj")
        line("CPU time of the build, stj", lambda r: r.get("cpu", float("nan")), variant="stj")
        line("csc, stj", lambda r: r["csc"], variant="stj")
        line("System.Text.Json source generator, stj", lambda r: r["stj_generator"], variant="stj")

        def ratio(values):
            return cell(values, "{:.2f}", "×")

        cells = [ratio(paired(k, lambda a, b: a["wall"] / b["wall"], second="stj")) for k, _ in kinds]
        w("| **toolkit ÷ stj: wall time, paired per round** (target ≤ 1.0×) | " + " | ".join(cells) + " |")
        cells = [ratio(paired(k, lambda a, b: a["cpu"] / b["cpu"], second="stj")) for k, _ in kinds]
        w("| **toolkit ÷ stj: CPU time of the build, paired per round** (target ≤ 1.0×) | " + " | ".join(cells) + " |")
        cells = [ratio(paired(k, lambda a, b: a["csc"] / b["csc"], second="stj")) for k, _ in kinds]
        w("| toolkit ÷ stj: csc time, paired per round | " + " | ".join(cells) + " |")
        cells = [pct(paired(k, lambda a, b: a["wall"] / b["wall"] - 1, first="stj")) for k, _ in kinds]
        w("| stj vs without any serializer: wall time, paired per round | " + " | ".join(cells) + " |")
        cells = [pct(paired(k, lambda a, b: a.get("cpu", float("nan")) / b.get("cpu", float("nan")) - 1, first="stj")) for k, _ in kinds]
        w("| stj vs without any serializer: CPU time, paired per round | " + " | ".join(cells) + " |")
    if any(r["variant"] in ("docs", "nocompat", "nobaseline") for r in rows):
        documents_rows(rows, w, line, paired, kinds)
    w("")
    w("Per build (seconds; gen = MessageContracts generator, an = MessageContracts analyzers, stj gen = System.Text.Json "
      "source generator; compat = its BaselineCompatibilityAnalyzer, part of an; load = 1-minute load average right after the build):")
    w("")
    w("| round | variant | kind | wall | cpu | csc | gen | an | compat | stj gen | load |")
    w("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:  # in the order they ran
        w(f"| {r['round']} | {r['variant']} | {r['kind']} | {r['wall']:.2f} | {r.get('cpu', float('nan')):.2f} | {r['csc']:.2f} | "
          f"{r['generator']:.3f} | {r['analyzers']:.3f} | {r['per_analyzer'].get(COMPAT, 0.0):.3f} | {r.get('stj_generator', 0.0):.3f} | {r.get('load', float('nan')):.2f} |")
    print("\n".join(out))


COMPAT = "BaselineCompatibilityAnalyzer"


def documents_rows(rows, w, line, paired, kinds):
    """The documents variants (issue 13): docs against stj and all, and the compatibility analyzer's cost."""
    present = {r["variant"] for r in rows}

    def ratio(values):
        return cell(values, "{:.2f}", "×")

    def pair_rows(label, first, second, fmt, f):
        if first in present and second in present:
            cells = [fmt(paired(k, f, first=first, second=second)) for k, _ in kinds]
            w(f"| {label} | " + " | ".join(cells) + " |")

    for v, name in (("docs", "docs (documents on, with a baseline)"), ("nocompat", "nocompat (docs, compatibility analyzer off)"),
                    ("nobaseline", "nobaseline (docs, no baseline file)")):
        if v in present:
            line(f"`dotnet build` wall time, {name}", lambda r: r["wall"], variant=v)
            line(f"CPU time of the build, {v}", lambda r: r.get("cpu", float("nan")), variant=v)
            line(f"csc, {v}", lambda r: r["csc"], variant=v)
            line(f"MessageContracts generator, {v}", lambda r: r["generator"], variant=v)
            line(f"WriteContractDocuments task (AsyncAPI document and schemas), {v}", lambda r: r.get("task", 0.0), variant=v)
            line(f"MessageContracts analyzers (sum), {v}", lambda r: r["analyzers"], variant=v)
            if v != "nocompat":
                line(f"&nbsp;&nbsp;{COMPAT}, {v}", lambda r: r["per_analyzer"].get(COMPAT, 0.0), variant=v)
                line(f"{COMPAT} ÷ (wall − it), {v}", lambda r: r["per_analyzer"].get(COMPAT, 0.0) / (r["wall"] - r["per_analyzer"].get(COMPAT, 0.0)), variant=v, fmt=pct)
                line(f"{COMPAT} ÷ csc, {v}", lambda r: r["per_analyzer"].get(COMPAT, 0.0) / r["csc"], variant=v, fmt=pct)
    pair_rows("**docs ÷ stj: CPU time, paired per round** (target ≤ 1.0×)", "docs", "stj", ratio, lambda a, b: a["cpu"] / b["cpu"])
    pair_rows("**docs ÷ stj: wall time, paired per round**", "docs", "stj", ratio, lambda a, b: a["wall"] / b["wall"])
    pair_rows("docs ÷ all (documents on vs off): CPU time, paired per round", "docs", "all", ratio, lambda a, b: a["cpu"] / b["cpu"])
    pair_rows("docs ÷ all: wall time, paired per round", "docs", "all", ratio, lambda a, b: a["wall"] / b["wall"])
    pair_rows("**docs vs nocompat (the compatibility analyzer's cost): CPU time, paired per round** (target < 3 %)", "docs", "nocompat", pct,
              lambda a, b: a["cpu"] / b["cpu"] - 1)
    pair_rows("docs vs nocompat: wall time, paired per round", "docs", "nocompat", pct, lambda a, b: a["wall"] / b["wall"] - 1)
    pair_rows("docs vs nocompat: csc time, paired per round", "docs", "nocompat", pct, lambda a, b: a["csc"] / b["csc"] - 1)
    pair_rows("nobaseline vs nocompat: CPU time, paired per round", "nobaseline", "nocompat", pct, lambda a, b: a["cpu"] / b["cpu"] - 1)


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "meta":
        print(json.dumps(meta()))
    elif cmd == "parse":
        print(json.dumps(parse(*sys.argv[2:8])))
    elif cmd == "gensize":
        print(json.dumps(gensize(*sys.argv[2:4])))
    elif cmd == "summary":
        summary(*sys.argv[2:6])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
