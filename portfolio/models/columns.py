"""Column types and mixins shared by the tables."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, TypeDecorator
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel


def utc_now() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC timestamps on every engine.

    PostgreSQL keeps the zone; SQLite stores text without one, so values are normalised to UTC on the way
    in and marked UTC on the way out. A naive datetime is refused: it is always a bug."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# JSON on SQLite, JSONB on PostgreSQL (indexable, compact).
JSONType = JSON().with_variant(JSONB(), "postgresql")


def timestamp_field(**kwargs: Any) -> Any:
    return Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False, **kwargs)


class Timestamped(SQLModel):
    """A mutable row: created/updated times and a version for optimistic concurrency.

    SQLAlchemy's version_id_col makes every UPDATE carry `WHERE version = <the version read>`, so two
    people editing the same row cannot silently overwrite each other: the second write fails and the
    service turns that into a "someone else changed this" message."""

    created_at: datetime = timestamp_field()
    updated_at: datetime = Field(
        default_factory=utc_now, sa_type=UTCDateTime, nullable=False, sa_column_kwargs={"onupdate": utc_now}
    )
    version: int = Field(default=1, nullable=False)

    @declared_attr  # type: ignore[misc]
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}
