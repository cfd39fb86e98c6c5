"""The offline Zimun sandbox: world state and rules, its wire format, and a server.

Used in-process through `httpx.ASGITransport(app=create_app(world))` and over loopback through
`bot.sandbox.server`; see README.md in this package for what it emulates and assumes.
"""

from bot.sandbox.app import SandboxApp, create_app
from bot.sandbox.errors import ConnectionDropped
from bot.sandbox.seed import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_ORGANIZATION_ID,
    BookingSeed,
    ClosureSeed,
    LocationSeed,
    Seed,
    ServiceSeed,
    default_seed,
    easter_sunday,
    italian_holidays,
)
from bot.sandbox.world import AppointmentRecord, Faults, HoldRecord, SentEmail, World

__all__ = [
    "SANDBOX_CLIENT_ID",
    "SANDBOX_CLIENT_SECRET",
    "SANDBOX_ORGANIZATION_ID",
    "AppointmentRecord",
    "BookingSeed",
    "ClosureSeed",
    "ConnectionDropped",
    "Faults",
    "HoldRecord",
    "LocationSeed",
    "SandboxApp",
    "Seed",
    "SentEmail",
    "ServiceSeed",
    "World",
    "create_app",
    "default_seed",
    "easter_sunday",
    "italian_holidays",
]
