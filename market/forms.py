"""The base of every form: Flask-WTF, with the validators' own messages in the page's language.

The form library ships no Vietnamese; ``translations/vi/LC_MESSAGES/wtforms.po`` is ours.
"""
from __future__ import annotations

from functools import cache

from babel.support import NullTranslations, Translations
from flask_babel import get_locale
from flask_wtf import FlaskForm

from market import PROJECT_ROOT


@cache
def validator_messages(locale: str) -> NullTranslations:
    return Translations.load(str(PROJECT_ROOT / "market" / "translations"), [locale], "wtforms")


class Form(FlaskForm):
    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return validator_messages(str(get_locale()))
