"""Sum up make audit's raw outputs (audit/raw/) as markdown: every bandit issue, sqlmap's verdict per target,
every wapiti vulnerability, anomaly and additional. audit/findings.md explains each one by hand."""

import json
import re
import sys
from pathlib import Path


def bandit(raw: Path) -> list[str]:
    report = json.loads((raw / "bandit.json").read_text())
    lines = [f"## bandit: {len(report['results'])} issue(s)", ""]
    lines += [
        f"- {r['test_id']} {r['issue_severity']}/{r['issue_confidence']} `{r['filename']}:{r['line_number']}`: "
        f"{r['issue_text']}"
        for r in report["results"]
    ]
    return [*lines, ""]


def sqlmap(raw: Path) -> list[str]:
    log = (raw / "sqlmap.log").read_text(errors="replace") if (raw / "sqlmap.log").exists() else ""
    runs = log.count("[*] starting @")
    # sqlmap reports a candidate ("appears to be … injectable"), then checks it: only a confirmed injection point
    # ("sqlmap identified the following injection point(s)", "is vulnerable") is a finding; a candidate it did not
    # confirm (its check says "false positive or unexploitable") is listed as such.
    injectable = sorted(set(re.findall(r"(\S+ parameter '[^']+') is vulnerable", log)))
    if not injectable and "identified the following injection point" in log:
        injectable = ["(a confirmed injection point: see audit/raw/sqlmap.log)"]
    candidates = set(re.findall(r"(\S+ parameter '[^']+') appears to be [^\n]*injectable", log))
    rejected = sorted(candidates - set(injectable))
    clean = log.count("do not appear to be injectable")
    lines = [f"## sqlmap: {len(injectable)} injectable parameter(s)", ""]
    lines.append(f"- runs whose every tested parameter does not appear injectable: {clean}")
    lines += [f"- INJECTABLE: {match}" for match in injectable]
    lines += [f"- candidate sqlmap did not confirm: {match}" for match in rejected]
    lines += [f"- {line.strip()}" for line in sorted(set(re.findall(r"\[CRITICAL\][^\n]*", log)))]
    return [*lines, f"- (sqlmap runs: {runs})", ""]


def wapiti(raw: Path) -> list[str]:
    path = raw / "wapiti.json"
    if not path.exists():
        return ["## wapiti: no report (see audit/raw/wapiti.log)", ""]
    report = json.loads(path.read_text())
    lines = []
    for group in ("vulnerabilities", "anomalies", "additionals"):
        found = {name: items for name, items in report.get(group, {}).items() if items}
        lines += [f"## wapiti {group}: {sum(len(items) for items in found.values())}", ""]
        for name, items in sorted(found.items()):
            for item in items:
                lines.append(f"- **{name}** `{item.get('method', '')} {item.get('path', '')}` "
                             f"{item.get('parameter', '')}: {item.get('info', '')[:200]}")  # fmt: skip
        lines.append("")
    crawled = report.get("infos", {}).get("crawled_pages_nbr", "?")
    return [f"(wapiti crawled {crawled} pages)", "", *lines]


if __name__ == "__main__":
    raw = Path(sys.argv[1])
    print("# make audit: results", "", "Raw outputs: audit/raw/ (not committed). Explanations: audit/findings.md.", "")
    print("\n".join(bandit(raw) + sqlmap(raw) + wapiti(raw)))
