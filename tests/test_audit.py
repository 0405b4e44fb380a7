from __future__ import annotations

from tests.audit import summary


def test_a_known_vulnerability_fails_the_audit_and_is_named() -> None:
    lines, code = summary(
        {"dependencies": [{"name": "jinja2", "version": "3.0.0", "vulns": [{"id": "GHSA-h5c8-rqwp-cp95"}]}]}
    )
    assert code == 1 and "jinja2 3.0.0: GHSA-h5c8-rqwp-cp95" in "\n".join(lines)


def test_packages_the_service_could_not_be_asked_about_are_not_counted_as_safe() -> None:
    lines, code = summary(
        {
            "dependencies": [
                {"name": "numpy", "version": "2.4.6", "vulns": []},
                {"name": "bm25s", "skip_reason": "Dependency not found on PyPI and could not be audited: bm25s"},
            ]
        }
    )
    assert code == 0 and lines[0].startswith("pip-audit: 1 of 2 installed packages audited")
    assert "NOT AUDITED: 1 packages" in lines[1]
