"""The session cookie, re-sent only by the answers that may re-send it.

A signed-in session is permanent, so Flask re-sends its cookie with every answer to keep it
alive. The service worker fetches static files, the offline page and the outbox's session check
in the background, also while a form is being answered: such an answer, carrying the cookie as
it was before the form, could arrive after the form's and replace its cookie (its flashed
message, a sign-in). Background fetches therefore send the cookie only when they changed it;
the pages a person opens keep the session alive."""
from __future__ import annotations

from flask import Flask, Request, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin

BACKGROUND_ENDPOINTS = frozenset({"static", "offline.fallback", "offline.service_worker",
                                  "offline.session"})


class SessionCookies(SecureCookieSessionInterface):
    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        # Partners' notices, API calls with a bearer token and the proxy's probes carry no
        # cookie: their empty session needs no signing serializer, which is most of the cost.
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)

    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        if session.modified:
            return True
        return (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]
                and request.endpoint not in BACKGROUND_ENDPOINTS)
