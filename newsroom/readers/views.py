"""Readers' pages: sign-up (footer, article end, newsletter pages), confirmation, unsubscribe, the magic
link and the reader's own page.

No CSRF cookie, on purpose. The sign-up forms sit on pages the page cache and the edge keep for everyone,
which cannot carry a per-visitor token; and a csrftoken cookie would send its holder past the edge on
every page after (deploy/varnish: it passes requests with one). So these views are csrf_exempt and guard
themselves instead: a sign-up must come from our own pages (Origin, else Referer) and is rate-limited per
client address, and double opt-in makes a forged one harmless (it mails a confirmation, nothing more).
Confirmation and sign-in links open a page whose button POSTs, because mail scanners fetch every link in
an email; the signed token in the URL is what authorises the POST. A signed-in reader's forms carry an
HMAC of their own cookie (sessions.form_token), which another site can neither read nor make. The
one-click unsubscribe POST (RFC 8058) comes from mail providers' servers: its signed token is enough.
"""

import hmac
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles.caching import keys
from newsroom.proxies import client_ip

from . import ratelimit, services, sessions
from .models import Newsletter

SOURCES = {"footer": "footer", "article": "article end", "page": "newsletter page"}
NEWSLETTERS_KEY = "newsletters"


def _same_origin(request) -> bool:
    origin = request.headers.get("Origin") or request.headers.get("Referer") or ""
    host = urlsplit(origin).netloc
    return bool(host) and host in {request.get_host(), urlsplit(settings.SITE_URL).netloc}


def _signed_in_form_ok(request) -> bool:
    return _same_origin(request) and request.POST.get("token") == sessions.form_token(request)


def _valid_address(email: str) -> bool:
    """Django's EmailValidator allows 320 characters; our columns (and SMTP's path limit) hold 254."""
    try:
        validate_email(email)
    except ValidationError:
        return False
    return len(email) <= 254


def _refused(request, message: str, status: int = 400):
    response = render(request, "readers/message.html", {"title": "Sorry", "message": message}, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def newsletters(request):
    keys.add(NEWSLETTERS_KEY)
    offered = Newsletter.objects.filter(is_active=True).select_related("section")
    return render(request, "readers/newsletters.html", {"newsletters": offered})


@require_GET
def newsletter(request, slug):
    keys.add(NEWSLETTERS_KEY)
    shown = get_object_or_404(Newsletter.objects.select_related("section"), slug=slug, is_active=True)
    return render(request, "readers/newsletter.html", {"newsletter": shown})


@require_GET
def check_email(request):
    return render(request, "readers/check_email.html")


@csrf_exempt  # see the module's docstring: Origin check, rate limit, double opt-in
@require_POST
def subscribe(request):
    if not _same_origin(request):
        return _refused(request, "Please sign up from one of our pages.", 403)
    email = request.POST.get("email", "").strip()
    if not _valid_address(email):
        return _refused(request, "That does not look like an email address. Please go back and check it.")
    if not ratelimit.allow("signup-ip", client_ip(request), limit=settings.READER_REQUESTS_PER_CLIENT):
        return _refused(request, "Too many sign-ups from your connection. Please try again in an hour.", 429)
    if not ratelimit.allow("signup-email", email, limit=settings.READER_LINKS_PER_ADDRESS):
        return HttpResponseRedirect(reverse("readers:check_email"), status=303)
    chosen = Newsletter.objects.filter(is_active=True)
    slugs = request.POST.getlist("newsletter")
    chosen = chosen.filter(slug__in=slugs) if slugs else chosen.filter(offered_site_wide=True)
    chosen = list(chosen)
    if not chosen:
        return _refused(request, "Please choose a newsletter.")
    source = SOURCES.get(request.POST.get("source", ""), "newsletter page")
    services.subscribe(email=email, newsletters=chosen, source=source)
    return HttpResponseRedirect(reverse("readers:check_email"), status=303)


@csrf_exempt  # the signed token in the URL authorises the POST
@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    if request.method == "GET":
        return render(request, "readers/confirm.html", {"token": token})
    confirmed = services.confirm(token)
    if confirmed is None:
        return _refused(request, "This confirmation link is not valid or has expired. Please sign up again.")
    return render(request, "readers/confirmed.html", {"subscriptions": confirmed})


@csrf_exempt  # RFC 8058: mail providers POST "List-Unsubscribe=One-Click" with no cookie and no Origin
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    subscription = services.subscription_of(token)
    if subscription is None:
        return _refused(request, "This unsubscribe link is not valid.", 404)
    if request.method == "POST":
        services.unsubscribe(subscription)
        return render(request, "readers/unsubscribed.html", {"subscription": subscription})
    # A GET never unsubscribes: mail scanners follow links.
    return render(request, "readers/unsubscribe.html", {"subscription": subscription, "token": token})


@csrf_exempt  # a mail provider's webhook: the shared secret is the proof
@require_POST
def suppress_webhook(request):
    secret = settings.NEWSLETTER_WEBHOOK_SECRET
    if not secret or not hmac.compare_digest(request.headers.get("X-Newsletter-Secret", ""), secret):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    reason = request.POST.get("type", "")
    email = request.POST.get("email", "").strip()
    if reason not in ("bounce", "complaint") or not _valid_address(email):
        return HttpResponse("Needs type=bounce|complaint and email\n", status=400, content_type="text/plain")
    services.suppress(email, reason=reason, note="webhook")
    return HttpResponse("OK\n", content_type="text/plain")


# --- The reader's page (/account/: their cookie lives there only) -----------------------------------------


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def account(request):
    reader = sessions.reader_of(request)
    if reader is None:
        return render(request, "readers/sign_in.html")
    if request.method == "POST":
        if not _signed_in_form_ok(request):
            return _refused(request, "Please use the form on this page.", 403)
        chosen = set(request.POST.getlist("newsletter"))
        mine = {s.newsletter_id: s for s in reader.subscriptions.all()}
        for item in Newsletter.objects.filter(is_active=True):
            current = mine.get(item.pk)
            receiving = current is not None and current.status == current.Status.CONFIRMED
            if item.slug in chosen and not receiving:
                services.subscribe_signed_in(reader=reader, newsletter=item)
            elif item.slug not in chosen and current is not None and current.status != "unsubscribed":
                services.unsubscribe(current)
        return HttpResponseRedirect(reverse("readers:account"), status=303)
    mine = {s.newsletter_id: s for s in reader.subscriptions.all()}
    rows = [(n, mine.get(n.pk)) for n in Newsletter.objects.filter(is_active=True)]
    context = {"reader": reader, "rows": rows, "token": sessions.form_token(request)}
    return render(request, "readers/account.html", context)


@csrf_exempt  # rate-limited, and it only ever mails the address's owner
@never_cache
@require_POST
def request_link(request):
    email = request.POST.get("email", "").strip()
    if not _valid_address(email):
        return _refused(request, "That does not look like an email address.")
    if not _same_origin(request):
        return _refused(request, "Please sign in from our sign-in page.", 403)
    if not ratelimit.allow("link-ip", client_ip(request), limit=settings.READER_REQUESTS_PER_CLIENT):
        return _refused(request, "Too many requests from your connection. Please try again in an hour.", 429)
    if ratelimit.allow("link-email", email, limit=settings.READER_LINKS_PER_ADDRESS):
        services.request_sign_in(email)
    # The same answer whether or not the address is a reader's.
    return HttpResponseRedirect(reverse("readers:check_email"), status=303)


@csrf_exempt  # the one-time token in the URL is the proof
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_link(request, token):
    if request.method == "GET":
        if sessions.valid_link(token) is None:
            return _refused(request, "This sign-in link has expired or was used already. Ask for a new one.")
        return render(request, "readers/sign_in_link.html", {"token": token})
    reader = sessions.use_link(token)
    if reader is None:
        return _refused(request, "This sign-in link has expired or was used already. Ask for a new one.")
    response = HttpResponseRedirect(reverse("readers:account"), status=303)
    sessions.sign_in(response, reader)
    return response


@csrf_exempt
@never_cache
@require_POST
def sign_out(request):
    if not _signed_in_form_ok(request):
        return _refused(request, "Please use the form on your page.", 403)
    response = HttpResponseRedirect(reverse("readers:account"), status=303)
    sessions.sign_out(response)
    return response


@never_cache
@require_GET
def export(request):
    reader = sessions.reader_of(request)
    if reader is None:
        raise Http404
    response = JsonResponse(services.export_data(reader), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = 'attachment; filename="my-newsletter-data.json"'
    return response


@csrf_exempt
@never_cache
@require_POST
def delete(request):
    reader = sessions.reader_of(request)
    if reader is None or not _signed_in_form_ok(request):
        return _refused(request, "Please use the form on your page.", 403)
    services.delete_reader(reader)
    response = render(request, "readers/deleted.html")
    sessions.sign_out(response)
    return response
