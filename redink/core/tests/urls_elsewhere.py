"""A second URLconf for `test_kept_urls`: the same names at other addresses."""

from django.http import HttpResponse
from django.urls import path


def _page(request):  # type: ignore[no-untyped-def]
    return HttpResponse("elsewhere")


urlpatterns = [path("elsewhere/contact/", _page, name="contact")]
