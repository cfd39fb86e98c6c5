"""Where and how much (issue 13, item 4): prices on the service buttons and in the summary, the
address with the confirmation and in the `.ics`, as Zimun gives them (nothing when it does not)."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from decimal import Decimal

from bot.conversation.events import Attachment
from bot.conversation.turn import Turn
from bot.i18n import format_money
from bot.zimun import Service, ZimunError

logger = logging.getLogger(__name__)

_ZERO_CENTS = re.compile(r"[.,]00(?!\d)")


def short_money(amount: Decimal, currency: str, language: str) -> str:
    """A price as on a price list: "25 €" / "€25", cents only when there are some ("25,50 €")."""
    text = format_money(amount, currency, language)
    return _ZERO_CENTS.sub("", text) if amount == amount.to_integral_value() else text


def service_label(turn: Turn, service: Service) -> str:
    """A service button: "Taglio · 30 min · 25 €", or without the price when Zimun has none."""
    if service.price is None:
        return turn.t("service.label", name=service.name, minutes=service.duration_minutes)
    return turn.t(
        "service.label_price",
        name=service.name,
        minutes=service.duration_minutes,
        price=short_money(service.price.amount, service.price.currency, turn.language),
    )


async def price_of(turn: Turn, service_id: str | None) -> str | None:
    """The service's price as the customer reads it, or None when Zimun gives none."""
    if service_id is None:
        return None
    try:
        service = await turn.service(service_id)
    except ZimunError:
        return None
    if service is None or service.price is None:
        return None
    return format_money(service.price.amount, service.price.currency, turn.language)


async def address(turn: Turn) -> str | None:
    """The business's address from Zimun, or None (not given, or Zimun cannot be asked now: the
    confirmation goes out without it rather than fail)."""
    try:
        location = await turn.location()
    except ZimunError as exc:
        logger.info("address not read (%s)", exc.summary)
        return None
    return location.address if location is not None and location.address else None


# A venue (a map pin with a name and an address) travels as an attachment of this type; the
# Telegram adapter sends it as a venue, other transports show its address.
VENUE_MIME = "application/vnd.zimun-bot.venue+json"


@dataclass(frozen=True)
class Venue:
    latitude: float
    longitude: float
    title: str
    address: str


def venue_attachment(venue: Venue) -> Attachment:
    body = {
        "latitude": venue.latitude,
        "longitude": venue.longitude,
        "title": venue.title,
        "address": venue.address,
    }
    return Attachment("map-pin.json", json.dumps(body).encode(), VENUE_MIME)


def venue_of(attachment: Attachment) -> Venue | None:
    """The venue an attachment carries, or None when it is a file."""
    if attachment.mime_type != VENUE_MIME:
        return None
    try:
        body = json.loads(attachment.content)
        return Venue(
            float(body["latitude"]),
            float(body["longitude"]),
            str(body["title"]),
            str(body["address"]),
        )
    except (ValueError, KeyError, TypeError):
        return None


async def venue(turn: Turn, where: str | None) -> Attachment | None:
    """The business on a map, when its coordinates are configured (BUSINESS_LATITUDE/LONGITUDE)."""
    point = turn.deps.business.location
    if point is None:
        return None
    try:
        location = await turn.location()
    except ZimunError:
        location = None
    title = location.name if location is not None else ""
    return venue_attachment(Venue(point[0], point[1], title or (where or ""), where or ""))
