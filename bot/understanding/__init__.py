"""understanding"""

from bot.understanding.contacts import ContactProblem as ContactProblem
from bot.understanding.contacts import EmailCheck as EmailCheck
from bot.understanding.contacts import NameCheck as NameCheck
from bot.understanding.contacts import parse_email as parse_email
from bot.understanding.contacts import parse_name as parse_name
from bot.understanding.intents import Intent as Intent
from bot.understanding.intents import IntentKind as IntentKind
from bot.understanding.intents import parse_intent as parse_intent
from bot.understanding.when import When as When
from bot.understanding.when import parse_when as parse_when
from bot.understanding.when import warm_up as warm_up
