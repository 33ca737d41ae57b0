"""System checks with stable ids, documented in docs/configuration.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

INSECURE_KEY = "qingyuan-insecure-development-key-change-me"


@register(Tags.security, deploy=True)
def check_secret_key(app_configs: Any, **kwargs: Any) -> list[Any]:
    if settings.SECRET_KEY == INSECURE_KEY:
        return [
            Warning(
                "QINGYUAN_SECRET_KEY is not set; the built-in development key is in use.",
                hint="Set QINGYUAN_SECRET_KEY to a long random value in production.",
                id="qingyuan.W001",
            )
        ]
    return []


@register()
def check_language(app_configs: Any, **kwargs: Any) -> list[Any]:
    codes = [code for code, _ in settings.LANGUAGES]
    if settings.LANGUAGE_CODE not in codes:
        return [Error(f"LANGUAGE_CODE {settings.LANGUAGE_CODE!r} is not in LANGUAGES {codes}.", id="qingyuan.E001")]
    return []


@register()
def check_media_outside_static(app_configs: Any, **kwargs: Any) -> list[Any]:
    media = Path(settings.MEDIA_ROOT).resolve()
    web_roots = [Path(settings.STATIC_ROOT).resolve(), *(Path(d).resolve() for d in settings.STATICFILES_DIRS)]
    for root in web_roots:
        if media == root or root in media.parents:
            return [
                Error(
                    f"QINGYUAN_MEDIA_ROOT ({media}) lies inside the static web root {root}; "
                    "uploaded evidence would be served without access checks.",
                    id="qingyuan.E002",
                )
            ]
    return []


@register()
def check_compiled_messages(app_configs: Any, **kwargs: Any) -> list[Any]:
    missing = [
        str(path)
        for locale_dir in settings.LOCALE_PATHS
        for path in [Path(locale_dir) / "zh_Hans" / "LC_MESSAGES" / "django.mo"]
        if not path.exists()
    ]
    if missing:
        return [
            Error(
                f"Compiled Chinese translations are missing: {', '.join(missing)}.",
                hint="Run `make messages` (or `qingyuan compilemessages`).",
                id="qingyuan.E003",
            )
        ]
    return []


@register(Tags.security)
def check_allowed_hosts(app_configs: Any, **kwargs: Any) -> list[Any]:
    if "*" in settings.ALLOWED_HOSTS and not settings.DEBUG:
        return [Warning("QINGYUAN_ALLOWED_HOSTS contains '*'.", id="qingyuan.W002")]
    return []
