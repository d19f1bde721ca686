"""Sign-ins and failed sign-ins go to the audit log (Django's auth signals are their one write path)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from kindred.accounts import throttle
from kindred.audit.services import audit


def _ip(request) -> str:
    return throttle.client_ip(request) if request is not None else ""


@receiver(user_logged_in, dispatch_uid="kindred_audit_signed_in")
def signed_in(sender, request, user, **kwargs):
    audit(user, "user.signed_in", user, ip=_ip(request))


@receiver(user_logged_out, dispatch_uid="kindred_audit_signed_out")
def signed_out(sender, request, user, **kwargs):
    if user is not None:
        audit(user, "user.signed_out", user)


@receiver(user_login_failed, dispatch_uid="kindred_audit_sign_in_failed")
def sign_in_failed(sender, credentials, request=None, **kwargs):
    throttle.device_failed(request, throttle.sign_in_username(request, credentials))
    audit(
        None, "user.sign_in_failed", None, email=str(credentials.get("username", ""))[:254], ip=_ip(request)
    )
