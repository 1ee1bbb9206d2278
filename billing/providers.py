"""Payment providers for owners' online payments. A provider sends the owner to its page
(redirect), then tells us of the payment with an asynchronous, signed notification that may
come more than once, and before or after the owner is sent back. Each confirmation records
the payment once (the provider's transaction id is the idempotency key).

SandboxProvider stands in for a real one (in tests and in the demo): its "payment page" is
a page of ours clearly marked as a sandbox; its notification is signed with HMAC-SHA256
and delivered by a Celery task to the same handler the notification URL calls."""

import hashlib
import hmac
import json
import uuid

from django.conf import settings
from django.urls import reverse


class SandboxProvider:
    name = "sandbox"

    @staticmethod
    def _key() -> bytes:
        return hashlib.sha256(f"anju-sandbox-provider:{settings.SECRET_KEY}".encode()).digest()

    def sign(self, body: bytes) -> str:
        return hmac.new(self._key(), body, hashlib.sha256).hexdigest()

    def verify(self, body: bytes, signature: str) -> bool:
        return hmac.compare_digest(self.sign(body), signature or "")

    def checkout_url(self, online) -> str:
        return reverse("portal_billing:sandbox_checkout", kwargs={"online_pk": online.pk})

    def new_transaction_id(self) -> str:
        return f"SBX{uuid.uuid4().hex[:20].upper()}"

    def notification(self, online, txn_id: str) -> tuple[bytes, str]:
        """The body and signature of the provider's notification of a payment."""
        body = json.dumps(
            {"merchant_ref": online.pk, "txn_id": txn_id, "amount": str(online.amount)},
            sort_keys=True,
        ).encode()
        return body, self.sign(body)

    def return_query(self, online, txn_id: str) -> dict:
        """What the owner brings back on the redirect (signed, like the notification)."""
        body, signature = self.notification(online, txn_id)
        return {"txn": txn_id, "sig": signature}


PROVIDERS = {SandboxProvider.name: SandboxProvider()}


def provider(name: str = "sandbox"):
    return PROVIDERS[name]
