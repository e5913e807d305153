"""Domain model: reports carrying typed claims, and the reference data they name.

Everything here is an immutable event in the log; corrections are new claims in new reports.
Imports only the standard library and eventsourcing.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import datetime, timedelta, timezone
from typing import Any
from uuid import UUID, uuid4, uuid5

from anyascii import anyascii
from eventsourcing.domain import Aggregate

NAMESPACE = UUID("6f1f7c1e-5a43-4a57-9d38-0c7d2f7b9a10")

CONFIDENCE_RANK = {"unconfirmed": 0, "reported": 1, "confirmed": 2}
CONFIDENCES = tuple(CONFIDENCE_RANK)
# API.md, Vocabulary: `unconfirmed` includes rumours, so these words are taken for it wherever a
# confidence is given, and stored and answered as `unconfirmed`.
CONFIDENCE_SYNONYMS = {"rumour": "unconfirmed", "rumor": "unconfirmed", "alleged": "unconfirmed",
                       "unverified": "unconfirmed"}
CONFIDENCE_WORDS = (*CONFIDENCES, *CONFIDENCE_SYNONYMS)


def confidence_of(word: Any) -> Any:
    """The confidence a word names (a synonym becomes `unconfirmed`); anything else unchanged."""
    return CONFIDENCE_SYNONYMS.get(word, word) if isinstance(word, str) else word
PRECISIONS = ("exact", "hour", "day", "week", "month")
ENTITY_KINDS = ("place", "faction", "leader")


class DomainError(Exception):
    """A command that breaks a rule of the domain: invalid content, unless a subclass names
    another kind. `errors` maps JSON paths to messages. api/errors.py gives each kind its status."""

    def __init__(self, detail: str, errors: dict[str, Any] | None = None):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or {}


class Conflict(DomainError):
    """The command clashes with what is already recorded (a name taken, a draft decided)."""


class NotFound(DomainError):
    """The command names something that is not recorded."""


class TooLarge(DomainError):
    """More than the service takes in one request (rows of an import)."""


# ---- time -------------------------------------------------------------------------------------

def utc(dt: datetime) -> datetime:
    """Normalise an aware datetime to UTC; a naive one is a programming error upstream."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("naive timestamp: an offset is required")
    return dt.astimezone(timezone.utc)


def db_time(dt: datetime) -> str:
    """Fixed-width UTC text that sorts like the instant it names (used as index key)."""
    return utc(dt).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def api_time(dt: datetime) -> str:
    """RFC 3339 UTC with a Z suffix; microseconds only when there are some."""
    dt = utc(dt)
    if dt.microsecond:
        return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


# Instants the service stores: fixed-width text needs four-digit years, and a query's
# windows (contest window, a day back) must still be subtractable.
YEARS = (1000, 9998)


# RFC 3339 section 5.6: date, T (or t, or a space), time with seconds, an optional fraction
# after a dot, then Z or a +HH:MM / -HH:MM offset.
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})")
_NAIVE = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?")
RFC3339_FORM = ("YYYY-MM-DDTHH:MM:SS[.fraction] with Z or a +HH:MM offset, "
                "e.g. 2024-11-29T21:00:00+02:00 or 2024-11-29T19:00:00.5Z")


def parse_time(text: str) -> datetime:
    """Parse an RFC 3339 timestamp that carries an offset; returns UTC. The one gate for
    timestamps: anything it returns can be stored, printed and moved by a window."""
    if type(text) is str and len(text) <= 64:
        return _parsed(text)
    return _parse_time(text)


@functools.lru_cache(maxsize=4096)
def _parsed(text: str) -> datetime:
    """A filed report's times are read by its request schema, by the domain's checks and again
    against its published_at: each text is parsed once (a datetime is immutable; a refusal,
    an exception, is not kept)."""
    return _parse_time(text)


def _parse_time(text: str) -> datetime:
    if not isinstance(text, str) or not re.match(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}", text):
        raise ValueError("not an RFC 3339 timestamp")
    if not _RFC3339.fullmatch(text):
        # ISO 8601 forms RFC 3339 does not have (+0300, +03, no seconds, a comma fraction) were
        # read as well (issue 15): say which form is expected instead.
        if _NAIVE.fullmatch(text):
            raise ValueError("naive timestamp: an offset is required")
        raise ValueError(f"not an RFC 3339 timestamp: expected {RFC3339_FORM}")
    try:
        dt = utc(datetime.fromisoformat(text.replace("z", "Z")))
    except OverflowError:
        dt = None
    if dt is None or not YEARS[0] <= dt.year <= YEARS[1]:
        raise ValueError(f"outside the years {YEARS[0]}-{YEARS[1]} (UTC)")
    return dt


def db_to_api(text: str | None) -> str | None:
    if text is None:
        return None
    return api_time(datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc))


# Sorts before every stored instant (their years are YEARS): a bound that excludes nothing.
EARLIEST = "0001-01-01T00:00:00.000000Z"


def minus(text: str, seconds: float) -> str:
    """The stored-time text `seconds` before `text`; EARLIEST if that is before every storable
    instant (a contest window of 999999 days reaches past year 1)."""
    dt = datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    try:
        moved = dt - timedelta(seconds=seconds)
    except OverflowError:
        return EARLIEST
    return EARLIEST if moved.year < YEARS[0] else db_time(moved)


# ---- names ------------------------------------------------------------------------------------

_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي"})
_APOSTROPHES = re.compile("['’‘`ʿʾʻʼ′´]")
_ARTICLE = re.compile(r"\b(?:al|el|ad|ar|as|at|az|an|ash|adh|ath|ed|er|es|et|ez|en|esh)(?:\s+|-)(?=\w)")


def name_key(name: str) -> str:
    """Key under which a name is matched: case, diacritics, apostrophes, punctuation, the
    Arabic article's transliterations (al-, el-, ar-, as-, ...) and a final -ah/-a do not matter."""
    text = unicodedata.normalize("NFKC", name).strip()
    text = _ARABIC_MARKS.sub("", text).translate(_ARABIC_FOLD)
    text = "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    ).casefold()
    text = _APOSTROPHES.sub("", text)
    text = _ARTICLE.sub("al ", text)
    text = re.sub(r"[\W_]+", " ", text).strip()
    # Final -ah and -a transliterate one Arabic ending (Hamah/Hama, Raqqah/Raqqa).
    return re.sub(r"(?<=[a-z]a)h\b", "", text)


def slugify(name: str) -> str:
    """An id from a name: Latin letters without their accents, digits and hyphens. Letters of
    other scripts are transliterated (anyascii: `قرية` -> `qryh`, `Тестград` -> `testgrad`), so a
    name written only in Arabic or Cyrillic still gets an id; Latin names keep the ids they had."""
    text = "".join(
        c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)
    )
    text = "".join(anyascii(c) if not c.isascii() and c.isalnum() else c for c in text).lower()
    text = _APOSTROPHES.sub("", text)
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return slug


def entity_uuid(kind: str, slug: str) -> UUID:
    return uuid5(NAMESPACE, f"{kind}:{slug}")


def claim_uuid(report_id: UUID, index: int) -> UUID:
    return uuid5(report_id, f"claim:{index}")


# ---- aggregates -------------------------------------------------------------------------------

class Entity(Aggregate):
    """Reference data shared by places, factions and leaders: a slug, a name and aliases."""

    kind = "entity"
    slug: str
    name: str
    aliases: list[str]

    @classmethod
    def register(cls, slug: str, name: str, aliases: list[str], **attributes: Any) -> "Entity":
        return cls._create(
            cls.Registered,  # type: ignore[attr-defined]
            id=entity_uuid(cls.kind, slug),
            slug=slug,
            name=name,
            aliases=list(aliases),
            **attributes,
        )


class Place(Entity):
    TOPIC = "timeline.place.v1"
    kind = "place"

    class Created(Aggregate.Created):
        TOPIC = "timeline.place.created.v1"

    class Registered(Created):
        """A city, town or district with coordinates (from the gazetteer or a writer)."""

        TOPIC = "timeline.place.registered.v1"
        slug: str
        name: str
        aliases: list[str]
        lat: float
        lon: float
        governorate: str | None
        parent: str | None
        place_kind: str
        source: str | None

    def __init__(self, slug: str, name: str, aliases: list[str], lat: float, lon: float,
                 governorate: str | None, parent: str | None, place_kind: str, source: str | None):
        self.slug, self.name, self.aliases = slug, name, list(aliases)
        self.lat, self.lon, self.governorate, self.parent = lat, lon, governorate, parent
        self.place_kind, self.source = place_kind, source


class Faction(Entity):
    TOPIC = "timeline.faction.v1"
    kind = "faction"

    class Created(Aggregate.Created):
        TOPIC = "timeline.faction.created.v1"

    class Registered(Created):
        TOPIC = "timeline.faction.registered.v1"
        slug: str
        name: str
        aliases: list[str]
        parent: str | None
        source: str | None

    def __init__(self, slug: str, name: str, aliases: list[str], parent: str | None,
                 source: str | None):
        self.slug, self.name, self.aliases = slug, name, list(aliases)
        self.parent, self.source = parent, source


class Leader(Entity):
    TOPIC = "timeline.leader.v1"
    kind = "leader"

    class Created(Aggregate.Created):
        TOPIC = "timeline.leader.created.v1"

    class Registered(Created):
        TOPIC = "timeline.leader.registered.v1"
        slug: str
        name: str
        aliases: list[str]
        role: str | None
        faction: str | None
        source: str | None

    def __init__(self, slug: str, name: str, aliases: list[str], role: str | None,
                 faction: str | None, source: str | None):
        self.slug, self.name, self.aliases = slug, name, list(aliases)
        self.role, self.faction, self.source = role, faction, source


ENTITY_CLASSES: dict[str, type[Entity]] = {"place": Place, "faction": Faction, "leader": Leader}


class Report(Aggregate):
    """What one source said at one time: one or more claims, filed together or not at all."""

    TOPIC = "timeline.report.v1"

    class Created(Aggregate.Created):
        TOPIC = "timeline.report.created.v1"

    class Filed(Created):
        TOPIC = "timeline.report.filed.v1"
        source: dict[str, Any]
        published_at: datetime
        headline: str | None
        body: str | None
        language: str | None
        claims: list[dict[str, Any]]
        # The draft it was filed from (timeline/drafts.py), if any; absent from older events.
        draft: str | None = None
        # v2: the label of the token that filed it (API.md v2, `filed_by`); None when unknown.
        # Events stored at v1 are read with filed_by None (the upcaster below); the topic stays.
        filed_by: str | None = None
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["filed_by"] = None

    def __init__(self, source: dict[str, Any], published_at: datetime, headline: str | None,
                 body: str | None, language: str | None, claims: list[dict[str, Any]],
                 filed_by: str | None = None, draft: str | None = None):
        self.source = source
        self.published_at = published_at
        self.headline = headline
        self.body = body
        self.language = language
        self.claims = claims
        self.filed_by = filed_by
        self.draft = draft

    @classmethod
    def file(cls, *, source: dict[str, Any], published_at: datetime, headline: str | None,
             body: str | None, language: str | None, claims: list[dict[str, Any]],
             report_id: UUID | None = None, draft: str | None = None,
             filed_by: str | None = None) -> "Report":
        """Claims arrive resolved (entity ids) and validated; each gets a stable id here."""
        rid = report_id or uuid4()
        numbered = [dict(c, id=str(claim_uuid(rid, i))) for i, c in enumerate(claims)]
        return cls._create(
            cls.Filed,
            id=rid,
            source=source,
            published_at=utc(published_at),
            headline=headline,
            body=body,
            language=language,
            claims=numbered,
            **({"draft": draft} if draft else {}),
            filed_by=filed_by,
        )
