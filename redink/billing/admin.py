from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import BillingCustomer, Plan, Subscription, WebhookEvent
from .money import money_format
from .webhooks import webhook_event_process


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("name", "price", "interval", "is_active", "stripe_price_id", "position")
    list_editable = ("is_active", "position")
    prepopulated_fields = {"slug": ("name",)}

    @admin.display(description="price")
    def price(self, obj: Plan) -> str:
        return money_format(amount=obj.amount, currency=obj.currency)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written only from what Stripe says; staff change subscriptions in Stripe's dashboard."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(BillingCustomer)
class BillingCustomerAdmin(ReadOnlyAdmin):
    list_display = ("stripe_id", "user", "mode", "created_at")
    list_filter = ("mode",)
    search_fields = ("stripe_id", "user__email")


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ("stripe_id", "user", "plan", "status", "cancel_at_period_end", "current_period_end", "mode")
    list_filter = ("status", "mode", "cancel_at_period_end")
    search_fields = ("stripe_id", "customer_id", "user__email")
    list_select_related = ("user", "plan")


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ("stripe_id", "type", "status", "attempts", "created", "received_at")
    list_filter = ("status", "type", "livemode")
    search_fields = ("stripe_id", "type")
    actions = ["process_again"]

    @admin.action(description="Handle the selected failed events again")
    def process_again(self, request: HttpRequest, queryset: QuerySet[WebhookEvent]) -> None:
        done = 0
        for event in queryset.filter(status=WebhookEvent.Status.FAILED):
            try:
                webhook_event_process(event_pk=event.pk)
                done += 1
            except Exception as exc:  # reported to the operator; the event stays failed
                messages.error(request, f"{event.stripe_id}: {exc}")
        messages.info(request, f"{done} event(s) handled.")
