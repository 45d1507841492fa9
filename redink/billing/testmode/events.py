"""The test-mode checkout's webhook: events signed with the local secret, handled by the same
`webhook_receive` that Stripe's requests reach, signature check included."""

from __future__ import annotations

import json
import time
from typing import Any

from ..gateway import local_webhook_secret
from ..models import WebhookEvent
from ..stripe_api import webhook_signature
from ..webhooks import webhook_receive
from . import objects


def event_send(*, type: str, data_object: dict[str, Any], previous: dict[str, Any] | None = None) -> WebhookEvent:
    now = int(time.time())
    event = objects.event(type=type, data_object=data_object, created=now, previous=previous)
    payload = json.dumps(event).encode()
    signature = webhook_signature(payload=payload, secret=local_webhook_secret(), timestamp=now)
    return webhook_receive(payload=payload, signature=signature)
