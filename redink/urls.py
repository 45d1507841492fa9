from allauth.account import views as account_views
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from redink.accounts.limits import login_guard
from redink.catalogue.sitemaps import SITEMAPS
from redink.core import views as core_views
from redink.core.ratelimit import rate_limited


def _by_user(request):
    return f"user:{request.user.pk}"


def _by_email(request):
    return request.POST.get("email", "").strip().lower()


# allauth's views under Redink's limits (redink.core.ratelimit); allauth's own are switched off.
# Each path comes before allauth's include, so it is the one that answers.
limited_account_views = [
    path("accounts/login/", login_guard(account_views.login)),
    path(
        "accounts/signup/",
        rate_limited(
            "signup",
            setting="REDINK_SIGNUPS_PER_HOUR",
            seconds=3600,
            methods=("POST",),
            message="A great many accounts have been made from your connection in the last hour.",
        )(account_views.signup),
    ),
    path(
        "accounts/password/reset/",
        rate_limited(
            "reset",
            setting="REDINK_PASSWORD_RESETS_PER_HOUR",
            seconds=3600,
            methods=("POST",),
            message="A great many password-reset e-mails have been asked for from your connection in the last hour.",
        )(
            rate_limited(
                "reset-email",
                setting="REDINK_PASSWORD_RESETS_PER_EMAIL_PER_HOUR",
                seconds=3600,
                methods=("POST",),
                ident=_by_email,
                message="Several password-reset e-mails have gone to that address in the last hour: look for them "
                "in your inbox (and its spam folder).",
            )(account_views.password_reset)
        ),
    ),
    path(
        "accounts/reauthenticate/",
        rate_limited(
            "reauthenticate",
            setting="REDINK_LOGIN_FAILURES_PER_ACCOUNT",
            methods=("POST",),
            ident=_by_user,
            message="You have entered your password many times in the last minute.",
        )(account_views.reauthenticate),
    ),
    path(
        "accounts/password/change/",
        rate_limited(
            "password-change",
            setting="REDINK_LOGIN_FAILURES_PER_ACCOUNT",
            methods=("POST",),
            ident=_by_user,
            message="You have tried to change your password many times in the last minute.",
        )(account_views.password_change),
    ),
]

handler403 = "redink.core.views.permission_denied"
handler404 = "redink.core.views.page_not_found"
handler500 = "redink.core.views.server_error"

urlpatterns = [
    path("admin/login/", login_guard(admin.site.login)),
    path("admin/", admin.site.urls),
    *limited_account_views,
    path("accounts/tokens/", include("redink.api.urls_tokens")),
    path("api/v1/", include("redink.api.urls")),  # the JSON API (redink/api)
    path("accounts/", include("redink.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("join/", include("redink.billing.urls")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", core_views.robots_txt, name="robots"),
    path("contact/", core_views.contact, name="contact"),
    path("site-map/", core_views.site_map, name="site-map"),
    path("search/", include("redink.search.urls")),
    path("", include("redink.ops.urls")),  # /healthz, /readyz, /metrics
    path("", include("redink.privacy.urls")),
    path("", include("redink.reading.urls")),
    path("authors/", include("redink.accounts.author_urls")),
    path("", include("redink.marking.urls")),
    path("", include("redink.submissions.urls")),
    path("", include("redink.catalogue.urls")),
]

# Uploaded avatars under `make run` (DEBUG only: Django's helper adds nothing otherwise; in
# production nginx serves MEDIA_ROOT, see docs/deploy.md).
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

admin.site.site_header = f"{settings.SITE_NAME} administration"
admin.site.site_title = settings.SITE_NAME
