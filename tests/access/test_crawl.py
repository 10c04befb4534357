"""Logged in as each demo account, a crawl of every page reachable from the staff index finds
only what the policy allows: every link it follows answers 200, and no sentinel of a kind of
data the role may not see appears on any page or JSON twin.

The admin (reached through "Data entry") is left to the URL matrix (test_matrix.py), which asks
every one of its pages as every role.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from urllib.parse import urldefrag, urljoin

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client
from pytest_django import DjangoDbBlocker

from exhume.access.policy import role_of
from exhume.demo.accounts import DEMO_ACCOUNTS, ensure_demo_accounts
from tests.access.matrix import leaks
from tests.web.builders import build_sites

HREF = re.compile(r'href="([^"]+)"')
SKIP = ("/admin/", "/accounts/logout", "/language/", "/static/")
LIMIT = 400


@pytest.fixture(scope="module")
def demo_world(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        build_sites()
        ensure_demo_accounts()
        yield
        transaction.set_rollback(True)


def crawl(client: Client, start: str) -> tuple[dict[str, int], dict[str, str]]:
    """Status and body of every same-site page reachable from ``start`` (breadth first)."""
    seen: dict[str, int] = {}
    bodies: dict[str, str] = {}
    queue = deque([start])
    while queue and len(seen) < LIMIT:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        body = response.content.decode(errors="replace")
        bodies[url] = body
        if "html" not in response.get("Content-Type", ""):
            continue
        for href in HREF.findall(body):
            link = urldefrag(urljoin(url, href.replace("&amp;", "&")))[0]
            if link.startswith("/") and not link.startswith(SKIP) and link not in seen:
                queue.append(link)
    return seen, bodies


@pytest.mark.slow
@pytest.mark.parametrize("username", sorted(DEMO_ACCOUNTS))
def test_a_crawl_as_each_demo_account_finds_only_what_the_policy_allows(
    demo_world: None, db: None, username: str
) -> None:
    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    seen, bodies = crawl(client, "/staff/")
    assert len(seen) < LIMIT, "the crawl did not finish"
    refused = {url: status for url, status in seen.items() if status != 200}
    assert refused == {}, f"{username} is shown links it may not follow"
    role = role_of(user)
    found = {url: leaks(role, body) for url, body in bodies.items()}
    assert {url: what for url, what in found.items() if what} == {}
    pages = set(seen)
    if DEMO_ACCOUNTS[username] in {"field", "morgue", "board", "investigator", "admin"}:
        assert any(p.startswith("/staff/remains/") for p in pages)
    if DEMO_ACCOUNTS[username] in {"board", "liaison", "investigator", "admin"}:
        assert any(p.startswith("/staff/missing/") for p in pages)
