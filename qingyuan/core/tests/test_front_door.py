"""The front door: Django's habitual login address, the favicon, and the way to the public complaint form."""

from __future__ import annotations


def test_it_redirects_accounts_login_to_the_login_page_keeping_next(client, db):
    response = client.get("/accounts/login/?next=/enterprises/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/enterprises/"
    assert client.get(response["Location"]).status_code == 200

def test_it_serves_a_favicon_and_links_it_from_every_page(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("/qingyuan/favicon.svg")
    page = client.get("/login/").content.decode()
    assert 'rel="icon"' in page and "qingyuan/favicon.svg" in page

def test_it_links_the_login_page_to_the_public_complaint_form(client, db):
    page = client.get("/login/").content.decode()
    assert 'href="/public/complaints/"' in page
    assert "举报污染" in page
    assert client.get("/public/complaints/").status_code == 200
