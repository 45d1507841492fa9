"""The test-mode checkout: Redink's own stand-in for Stripe, for installs without Stripe keys.

It keeps Stripe-shaped records in the database (`LocalStripeObject`), offers the same
functions as `stripe_api` (see `gateway`), and reports every change as a signed event through
the same webhook handler Stripe's events go through. It never writes an entitlement itself.
"""
