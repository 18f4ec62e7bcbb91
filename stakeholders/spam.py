"""The public form's protections against spam, with no third party (no captcha service sees
the resident):

- a honeypot: a field people never see (hidden from screen readers too) that robots fill in;
  a form with it filled answers as if stored, and nothing is stored;
- a minimum fill time: the form carries the time it was shown, signed (Django's signing, so
  it cannot be forged); a form sent within `MIN_SECONDS` of being shown is asked to be sent
  again, and one shown more than `MAX_AGE` ago has expired;
- throttling per client address: every POST counts in the cache, under a keyed hash of the
  address (as `ovp.accounts.throttling.client_ip` determines it behind the trusted proxies),
  for an hour; past `OVP_COMMUNITY_INPUT_PER_HOUR` the answer is 429 and nothing is stored.
  The address is never stored in the database, and the cache holds only its hash;
- a size limit: the text's length in the form, and the request's body before anything reads
  it (`ovp.core.uploads.text_form`).
"""

import logging
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from ovp.accounts.throttling import client_ip
from ovp.core.cache import unreachable

logger = logging.getLogger(__name__)

HONEYPOT = "leave_blank"
STARTED_SALT = "stakeholders.community-input.started"
MIN_SECONDS = 3
MAX_AGE = 24 * 60 * 60
WINDOW = 60 * 60


def started_token(now: float | None = None) -> str:
    """The signed time the form is shown, for its hidden field."""
    return signing.dumps(int(now if now is not None else time.time()), salt=STARTED_SALT)


def fill_time_problem(token: str, now: float | None = None) -> str | None:
    """What is wrong with the time the form says it was shown, or None."""
    try:
        shown = int(signing.loads(token or "", salt=STARTED_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return "This form could not be read: check your comment and send it again."
    elapsed = (now if now is not None else time.time()) - shown
    if elapsed > MAX_AGE:
        return "This form was open for more than a day: check your comment and send it again."
    if elapsed < MIN_SECONDS:
        return "That was very quick: check your comment and send it again."
    return None


def _counter_key(request: HttpRequest) -> str:
    # a keyed hash: the cache never holds the address, and the hash cannot be reversed by
    # trying every IPv4 address without the secret key
    address = client_ip(request) or "unknown"
    return "community-input:" + salted_hmac(STARTED_SALT, address).hexdigest()[:32]


def over_limit(request: HttpRequest) -> bool:
    """Count this POST against the client's address; true when it is over the hour's limit.
    Without Redis nothing is counted (the form keeps working; the log says so)."""
    key = _counter_key(request)
    try:
        cache.add(key, 0, timeout=WINDOW)
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr: a new window
        cache.set(key, 1, timeout=WINDOW)
        count = 1
    except unreachable():
        logger.warning("Community input could not be counted: the cache is unreachable")
        return False
    return bool(count > settings.OVP_COMMUNITY_INPUT_PER_HOUR)
