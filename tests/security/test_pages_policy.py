"""Every HTML page of the app satisfies the strict Content-Security-Policy: no inline script,
no event-handler attributes, no inline style (print layouts rendered to PDF are not pages)."""
import re

from factories import login

from security.world import build_world, path_for

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<[^>]+\sstyle\s*=|<style[\s>]", re.IGNORECASE)


def get_pages(app, arguments):
    """The URL of every rule answering GET, its arguments filled from the test's rows."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if "GET" not in rule.methods:
            continue
        yield path_for(app, rule, arguments, "GET")


def policy_violations(html: str) -> list[str]:
    return [pattern.search(html).group(0)
            for pattern in (INLINE_SCRIPT, EVENT_HANDLER, INLINE_STYLE) if pattern.search(html)]


def test_every_page_as_an_admin_satisfies_the_policy(client, app):
    world = build_world()
    login(client, world["admin"])
    checked, broken = 0, {}
    for path in get_pages(app, world["arguments"]):
        response = client.get(path)
        assert response.status_code < 500, path
        if response.mimetype != "text/html":
            continue
        checked += 1
        if violations := policy_violations(response.get_data(as_text=True)):
            broken[path] = violations
    assert broken == {}
    assert checked >= 30


def test_policy_header_forbids_inline_code(client):
    csp = client.get("/login").headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "'unsafe-inline'" not in csp and "object-src 'none'" in csp
