"""People and their roles, and the role checks every other service uses."""

import re
from collections.abc import Iterable
from typing import Any

import pandas as pd
from pydantic import Field, field_validator
from sqlmodel import Session, col, func, select

from portfolio import frames
from portfolio.errors import Conflict, InvalidInput, NotAllowed, NotFound
from portfolio.models import Person, PersonRole, Role
from portfolio.services.audit import SYSTEM, Actor, as_record, record_event
from portfolio.validation import Input, check_id, shown, text_problem, validate

ROLE_PURPOSE = {
    Role.viewer: "see the portfolio",
    Role.contributor: "propose use cases and log results",
    Role.reviewer: "score use cases",
    Role.approver: "record gate decisions",
    Role.administrator: "manage people, the scoring model and settings",
}


# One @, something before it, and a domain of dot-separated labels ending in a top-level domain of letters:
# refuses "x@.", "x@y", "a b@c.org" and "x@-y.org".
EMAIL = re.compile(r"[^@\s]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")


class PersonInput(Input):
    name: str = Field(title="Name", min_length=1, max_length=200)
    email: str = Field(title="E-mail", min_length=3, max_length=254)
    team: str = Field(default="", title="Team", max_length=200)
    roles: list[Role] = Field(default_factory=lambda: [Role.viewer], title="Roles")

    @field_validator("email")
    @classmethod
    def _email_shape(cls, value: str) -> str:
        if not EMAIL.fullmatch(value):
            raise ValueError("write a full e-mail address such as name@example.org")
        return value.lower()


def roles_of(session: Session, person_id: int | None) -> frozenset[str]:
    if person_id is None:
        return frozenset()
    return frozenset(session.exec(select(PersonRole.role).where(PersonRole.person_id == person_id)).all())


def require_role(session: Session, actor: Actor, role: Role, doing: str) -> None:
    """Refuse unless the actor holds `role` now, as stored (not as the caller claims)."""
    if actor is SYSTEM:
        return
    person = session.get(Person, actor.id) if actor.id is not None else None
    if person is None or not person.is_active:
        raise NotAllowed(f"{actor.name} is not an active person in this portfolio, so cannot {doing}.")
    if role not in roles_of(session, actor.id):
        raise NotAllowed(
            f"{person.name} cannot {doing}: that needs the {role.label.lower()} role. "
            "Ask an administrator to grant it."
        )


def actor_for(session: Session, email: str) -> Actor:
    person = (
        session.exec(select(Person).where(Person.email == email.strip().lower())).first()
        if isinstance(email, str) and len(email) <= 254 and not text_problem(email)
        else None
    )
    if person is None:
        raise NotFound(f"Nobody with the e-mail {shown(email)} is registered in this portfolio.")
    return Actor(id=person.id, name=person.name, email=person.email, roles=roles_of(session, person.id))


def find_actor(session: Session, email: str) -> Actor | None:
    """The person registered with `email`, or None. Only reads: an unknown e-mail gets nobody's roles, and
    nothing is created here (a first sign-in is registered by `register_on_first_sign_in`, a write)."""
    person = session.exec(select(Person).where(Person.email == email.strip().lower())).first()
    if person is None:
        return None
    if not person.is_active:
        raise NotAllowed(
            f"{person.name} is no longer an active person in this portfolio. Ask an administrator if that is wrong."
        )
    return Actor(id=person.id, name=person.name, email=person.email, roles=roles_of(session, person.id))


def register_on_first_sign_in(session: Session, *, email: str, name: str) -> Actor:
    """Someone the identity provider has signed in and the portfolio does not know yet: added as a viewer,
    the event recorded under their own name. Only the sign-in step calls this, after checking the e-mail is
    verified and that the deployment admits new people."""
    data = validate(PersonInput, {"name": name, "email": email, "roles": [Role.viewer]})
    existing = find_actor(session, data.email)
    if existing is not None:  # signed in twice at once, in two tabs
        return existing
    person = Person(name=data.name, email=data.email)
    session.add(person)
    session.flush()
    _set_roles(session, person.id, [Role.viewer])
    newcomer = Actor(id=person.id, name=person.name, email=person.email, roles=frozenset({Role.viewer}))
    record_event(
        session,
        newcomer,
        "person.registered",
        "person",
        person.id,
        after=as_record(person) | {"roles": [Role.viewer]},
    )
    return newcomer


def get_person(session: Session, person_id: int | None, field: str = "person") -> Person:
    person = session.get(Person, person_id) if check_id(person_id) else None
    if person is None:
        raise InvalidInput({field: f"Choose a registered person for {field.replace('_', ' ')}."})
    return person


def _set_roles(session: Session, person_id: int, roles: Iterable[str]) -> None:
    for existing in session.exec(select(PersonRole).where(PersonRole.person_id == person_id)).all():
        session.delete(existing)
    session.flush()
    for role in sorted(set(roles) | {Role.viewer}):
        session.add(PersonRole(person_id=person_id, role=role))


def _role_list(roles: Any) -> Any:
    """Roles as a list (viewer when none), or as given when they are not a collection, for validation to refuse."""
    if isinstance(roles, list | tuple | set | frozenset):
        return sorted(roles, key=str) or ["viewer"]
    return roles


def create_person(
    session: Session, actor: Actor, *, name: str, email: str, team: str = "", roles: Iterable[str] = ()
) -> Person:
    require_role(session, actor, Role.administrator, "add people")
    data = validate(PersonInput, {"name": name, "email": email, "team": team, "roles": _role_list(roles)})
    taken = session.exec(select(Person.id).where(func.lower(Person.email) == data.email)).first()
    if taken is not None:
        raise Conflict(f"Someone with the e-mail {data.email} is already registered.")
    person = Person(name=data.name, email=data.email, team=data.team)
    session.add(person)
    session.flush()
    _set_roles(session, person.id, data.roles)
    record_event(
        session, actor, "person.created", "person", person.id, after=as_record(person) | {"roles": data.roles}
    )
    return person


def set_roles(session: Session, actor: Actor, person_id: int, roles: Iterable[str]) -> None:
    require_role(session, actor, Role.administrator, "change roles")
    person = session.get(Person, person_id) if check_id(person_id) else None
    if person is None:
        raise NotFound("That person no longer exists.")
    wanted = validate(
        PersonInput, {"name": person.name, "email": person.email, "roles": _role_list(roles)}
    ).roles
    before = sorted(roles_of(session, person_id))
    if Role.administrator in before and Role.administrator not in wanted:
        others = session.exec(
            select(func.count())
            .select_from(PersonRole)
            .join(Person, Person.id == PersonRole.person_id)
            .where(PersonRole.role == Role.administrator, PersonRole.person_id != person_id, Person.is_active)
        ).one()
        if not others:
            raise InvalidInput(
                {
                    "roles": f"{person.name} is the only administrator; make someone else an "
                    "administrator first, so that nobody is locked out."
                }
            )
    _set_roles(session, person_id, wanted)
    record_event(
        session,
        actor,
        "person.roles_changed",
        "person",
        person_id,
        before={"roles": before},
        after={"roles": sorted(set(wanted) | {Role.viewer})},
    )


def ensure_local_person(session: Session, *, email: str, name: str) -> Actor:
    """The person the app acts as until sign-in is configured: created with every role on first start."""
    existing = session.exec(select(Person).where(Person.email == email.strip().lower())).first()
    if existing is None:
        create_person(session, SYSTEM, name=name, email=email, team="Portfolio office", roles=list(Role))
    return actor_for(session, email)


def names_with_role(session: Session, role: Role | str) -> list[str]:
    """The active people holding `role`, by name: who to ask when an action needs that role."""
    return list(
        session.exec(
            select(Person.name)
            .join(PersonRole, PersonRole.person_id == Person.id)
            .where(PersonRole.role == Role(role), Person.is_active)
            .order_by(Person.name)
        ).all()
    )


def people_table(session: Session) -> pd.DataFrame:
    rows = session.exec(
        select(Person.id, Person.name, Person.email, Person.team, Person.is_active).order_by(col(Person.name))
    ).all()
    roles: dict[int, list[str]] = {}
    for person_id, role in session.exec(select(PersonRole.person_id, PersonRole.role)).all():
        roles.setdefault(person_id, []).append(role)
    return frames.frame(
        [
            {
                "id": r.id,
                "name": r.name,
                "email": r.email,
                "team": r.team,
                "active": r.is_active,
                "roles": sorted(roles.get(r.id, [])),
            }
            for r in rows
        ],
        ["id", "name", "email", "team", "active", "roles"],
    )
