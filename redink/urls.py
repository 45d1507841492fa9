from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from redink.catalogue.sitemaps import SITEMAPS
from redink.core import views as core_views

handler404 = "redink.core.views.page_not_found"
handler500 = "redink.core.views.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("redink.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("join/", include("redink.billing.urls")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", core_views.robots_txt, name="robots"),
    path("search/", include("redink.search.urls")),
    path("", include("redink.submissions.urls")),
    path("", include("redink.catalogue.urls")),
]

admin.site.site_header = f"{settings.SITE_NAME} administration"
admin.site.site_title = settings.SITE_NAME
