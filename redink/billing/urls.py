from django.urls import path

from . import views
from .testmode import views as testmode_views

app_name = "billing"

urlpatterns = [
    path("", views.pricing, name="pricing"),
    path("<slug:plan>/checkout/", views.checkout, name="checkout"),
    path("welcome/", views.success, name="success"),
    path("cancelled/", views.cancelled, name="cancelled"),
    path("manage/", views.manage, name="manage"),
    path("stripe/webhook/", views.stripe_webhook, name="webhook"),
    # Stand-ins for Stripe's hosted pages, only while the test-mode checkout is on.
    path("test-checkout/<str:session_id>/", testmode_views.checkout_page, name="test-checkout"),
    path("test-portal/<str:portal_id>/", testmode_views.portal_page, name="test-portal"),
]
