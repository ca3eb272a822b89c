"""Accounts: login, logout, CSRF everywhere, and the users CLI."""
from app.extensions import db
from app.models import Campaign, User

from .conftest import PASSWORD


def test_login_and_logout(client, creator):
    response = client.login(creator)
    assert response.status_code == 302
    assert "Your campaigns" in client.get("/").get_data(as_text=True)
    assert client.form("/logout").status_code == 302
    assert client.get("/").status_code == 302  # back to the login page


def test_wrong_password_is_refused_in_plain_words(client, creator):
    response = client.login(creator, "not the password")
    assert response.status_code == 401
    assert "don&#39;t match an account" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_passwords_are_stored_hashed(creator):
    assert PASSWORD not in creator.password_hash and creator.check_password(PASSWORD)


def test_login_refuses_a_missing_csrf_token(client, creator):
    response = client.http.post("/login", data={"email": creator.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "reload the page" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_state_changing_requests_need_the_token(client, creator):
    client.login(creator)
    response = client.http.post("/campaigns/new", data={"title": "Sneaky", "slug": "sneaky"})
    assert response.status_code == 400
    assert db.session.scalar(db.select(Campaign).filter_by(slug="sneaky")) is None
    # htmx and the uploader send it as a header; without it the API refuses too.
    api = client.http.post("/api/uploads", json={"campaign_id": 1})
    assert api.status_code == 400


def test_login_never_redirects_off_site(client, creator):
    client.fetch_token()
    response = client.http.post("/login?next=//evil.example/", data={
        "email": creator.email, "password": PASSWORD, "csrf_token": client.csrf})
    assert response.headers["Location"] == "/"


def test_cli_creates_users_and_refuses_duplicates(runner):
    result = runner.invoke(args=["users", "create", "New@Example.org", "--role", "admin",
                                 "--password", "long enough"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).filter_by(email="new@example.org"))
    assert user.role == "admin" and user.check_password("long enough")
    again = runner.invoke(args=["users", "create", "new@example.org", "--password", "whatever1"])
    assert again.exit_code != 0 and "already an account" in again.output


def test_cli_prompts_for_a_password(runner):
    result = runner.invoke(args=["users", "create", "p@example.org"],
                           input="prompted pass\nprompted pass\n")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(db.select(User).filter_by(email="p@example.org")).check_password(
        "prompted pass")


def test_first_admin_is_created_once_with_a_printed_password(runner, monkeypatch):
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    monkeypatch.setenv("ADMIN_EMAIL", "boss@example.org")
    first = runner.invoke(args=["users", "ensure-admin"])
    password = first.output.split("password: ")[1].split()[0]
    admin = db.session.scalar(db.select(User).filter_by(role="admin"))
    assert admin.email == "boss@example.org" and admin.check_password(password)
    second = runner.invoke(args=["users", "ensure-admin"])
    assert "password" not in second.output
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1


def test_every_answer_carries_the_security_headers(client):
    for path in ("/login", "/c/missing", "/healthz"):
        headers = client.get(path).headers
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
