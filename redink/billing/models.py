"""Plans, Stripe customers and subscriptions, and every webhook event Stripe sends.

Money is stored in minor units (pence). A subscription row mirrors what Stripe said the
last time it was read; access itself lives only in the subscription's `Entitlement`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class PlanQuerySet(models.QuerySet["Plan"]):
    def on_sale(self) -> PlanQuerySet:
        return self.filter(is_active=True).order_by("position", "amount")


class Plan(models.Model):
    class Interval(models.TextChoices):
        MONTH = "month", "Monthly"
        YEAR = "year", "Yearly"

    name = models.CharField(max_length=60)
    slug = models.SlugField(max_length=40, unique=True)
    interval = models.CharField(max_length=10, choices=Interval.choices)
    amount = models.PositiveIntegerField(help_text="Price per interval in minor units: 699 is £6.99.")
    currency = models.CharField(max_length=3, default="gbp", help_text="ISO 4217 code, lower case (gbp).")
    stripe_price_id = models.CharField(
        "Stripe price id",
        max_length=100,
        blank=True,
        help_text=(
            "A recurring Price in Stripe for exactly this amount and interval (price_…). "
            "Left blank, Checkout creates the price from the amount above."
        ),
    )
    is_active = models.BooleanField("on sale", default=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ("position", "amount")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="plan_amount_positive")]

    def __str__(self) -> str:
        return self.name


class Mode(models.TextChoices):
    """Where an object lives: Redink's own test-mode checkout, or Stripe in test or live mode."""

    LOCAL = "local", "Test-mode checkout (no Stripe)"
    TEST = "test", "Stripe test mode"
    LIVE = "live", "Stripe live mode"


class BillingCustomer(models.Model):
    """The Stripe customer that pays for a user (one per user and mode, created before Checkout)."""

    # Kept, detached from the person, when they delete their account: payment records are
    # kept as tax law requires, and the Stripe id is the reference to them.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="billing_customers",
        help_text="Empty once the person has deleted their account.",
    )
    mode = models.CharField(max_length=5, choices=Mode.choices)
    stripe_id = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "mode"], name="billing_customer_one_per_user_mode")]

    def __str__(self) -> str:
        return self.stripe_id


class SubscriptionQuerySet(models.QuerySet["Subscription"]):
    def live(self) -> SubscriptionQuerySet:
        """Subscriptions Stripe may still change: not ended for good."""
        return self.exclude(status__in=Subscription.FINAL_STATUSES)


class Subscription(models.Model):
    """Stripe's subscription as last read from Stripe (never from an event's own copy)."""

    FINAL_STATUSES = ("canceled", "incomplete_expired")

    stripe_id = models.CharField(max_length=100, unique=True)
    mode = models.CharField(max_length=5, choices=Mode.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subscriptions",
        help_text="Empty while the subscription cannot be tied to a Redink account, or once its "
        "person has deleted their account.",
    )
    customer_id = models.CharField(max_length=100, blank=True)
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="subscriptions")
    status = models.CharField(max_length=30, blank=True)
    amount = models.PositiveIntegerField(null=True, blank=True, help_text="Minor units per interval.")
    currency = models.CharField(max_length=3, blank=True)
    interval = models.CharField(max_length=10, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    current_period_start = models.DateTimeField(null=True, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    cancel_at_period_end = models.BooleanField(default=False)
    cancel_at = models.DateTimeField(null=True, blank=True)
    canceled_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    latest_invoice_id = models.CharField(max_length=100, blank=True)
    latest_invoice_status = models.CharField(max_length=20, blank=True)
    latest_payment_intents = models.JSONField(default=list, blank=True)
    entitlement = models.OneToOneField(
        "access.Entitlement", null=True, blank=True, on_delete=models.SET_NULL, related_name="subscription"
    )
    synced_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ("-current_period_end",)
        indexes = [models.Index(fields=["user", "status"], name="billing_sub_user_status")]

    def __str__(self) -> str:
        return self.stripe_id


class RefundedPayment(models.Model):
    """A payment Stripe reports as fully refunded: the period it paid for no longer gives access."""

    payment_intent = models.CharField(max_length=100, unique=True)
    charge_id = models.CharField(max_length=100)
    customer_id = models.CharField(max_length=100, blank=True)
    refunded_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.payment_intent


class WebhookEvent(models.Model):
    """Every event Stripe (or the test-mode checkout) sends, stored before it is handled."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        PROCESSED = "processed", "Processed"
        IGNORED = "ignored", "Ignored"
        FAILED = "failed", "Failed (Stripe will retry)"

    stripe_id = models.CharField("event id", max_length=100, unique=True)
    type = models.CharField(max_length=100)
    livemode = models.BooleanField(default=False)
    api_version = models.CharField(max_length=40, blank=True)
    created = models.DateTimeField(help_text="When Stripe created the event.")
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED)
    attempts = models.PositiveIntegerField(default=0)
    note = models.TextField(blank=True, help_text="Why it was ignored, or the error it failed with.")
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-received_at",)
        indexes = [models.Index(fields=["status", "received_at"], name="billing_event_status")]

    def __str__(self) -> str:
        return f"{self.type} {self.stripe_id}"


class LocalStripeObject(models.Model):
    """The test-mode checkout's stand-in for Stripe's own records (customers, sessions, subscriptions…).

    Stored as the JSON Stripe would return, so the webhook handler reads the same shapes in
    test mode as from Stripe.
    """

    stripe_id = models.CharField(max_length=100, primary_key=True)
    object = models.CharField(max_length=40)
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["object"], name="billing_local_object")]

    def __str__(self) -> str:
        return self.stripe_id
