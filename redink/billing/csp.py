"""Content-Security-Policy additions for the pages that hand over to Stripe, and only those.

The site-wide policy (settings.CONTENT_SECURITY_POLICY) allows scripts, frames and form
targets from this site alone. A page whose form is answered with a redirect to Stripe needs
Stripe's origin in `form-action` (browsers check the redirect too); the pricing page, which
loads Stripe.js when Stripe is configured, needs Stripe's script, frame and API origins.
"""

from __future__ import annotations

from typing import Any

STRIPE_JS = "https://js.stripe.com"

CHECKOUT_PAGE: dict[str, Any] = {
    "script-src": [STRIPE_JS],
    "frame-src": [STRIPE_JS, "https://*.js.stripe.com", "https://hooks.stripe.com"],
    "connect-src": ["https://api.stripe.com"],
    "form-action": ["https://checkout.stripe.com"],
}

PORTAL_PAGE: dict[str, Any] = {"form-action": ["https://billing.stripe.com"]}
