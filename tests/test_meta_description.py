"""Every public page tells search engines what it is about (a meta description), each
knowledge page in its own words; the description never reaches a tab or the history."""

import re
from html import unescape

import pytest

from knowledge.pages import all_pages

pytestmark = pytest.mark.django_db


def description(html):
    match = re.search(r'<meta name="description" content="([^"]*)">', html)
    return unescape(match.group(1)) if match else None


@pytest.mark.parametrize("path", ["/", "/learn/", "/check/", "/privacy/", "/accounts/login/"])
def test_public_pages_have_a_description(client, path):
    text = description(client.get(path).content.decode())
    assert text and len(text) >= 50


def test_each_knowledge_page_is_described_by_its_summary(client):
    for page in all_pages().values():
        html = client.get(page.url).content.decode()
        assert description(html) == page.summary, page.url
