"""Audit the installed packages for known vulnerabilities (``make audit``, run by ``make lint``) and say
plainly what was checked and what was not.

pip-audit asks PyPI's vulnerability service about each installed package. A package it could not ask
about (no network, a private mirror) is listed as not audited, never counted as safe: pip-audit itself
prints "No known vulnerabilities found" above a table of such skips. Exits 1 if a package has a known
vulnerability, else 0.

    python -m tests.audit PATH/TO/pip-audit
"""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig


def summary(report: dict) -> tuple[list[str], int]:
    """The lines to print, and the exit code, for pip-audit's JSON report."""
    packages = report.get("dependencies", [])
    vulnerable = [p for p in packages if p.get("vulns")]
    skipped = [p for p in packages if "skip_reason" in p]
    lines = [
        f"pip-audit: {len(packages) - len(skipped)} of {len(packages)} installed packages audited, "
        f"{len(vulnerable)} with known vulnerabilities"
    ]
    lines += [f"  {p['name']} {p['version']}: {', '.join(v['id'] for v in p['vulns'])}" for p in vulnerable]
    if skipped:
        lines.append(f"  NOT AUDITED: {len(skipped)} packages, e.g. {skipped[0]['skip_reason']}")
    return lines, 1 if vulnerable else 0


def main(argv: list[str]) -> int:
    tool = argv[0] if argv else "pip-audit"
    site = sysconfig.get_paths()["purelib"]
    run = subprocess.run(
        [tool, "--path", site, "--format", "json", "--progress-spinner", "off"], capture_output=True, text=True
    )
    try:
        report = json.loads(run.stdout)
    except ValueError:
        print(f"pip-audit: NOT AUDITED, it did not run to the end: {run.stderr.strip()[-300:]}")
        return 0
    lines, code = summary(report)
    print("\n".join(lines))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
