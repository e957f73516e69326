"""The people of a generated portfolio: the demo's reviewers and approvers, plus enough owners for a large
organisation."""

from sqlalchemy import select

from portfolio.demo.content import CASES, PEOPLE
from portfolio.demo.scale_writer import ScaleWriter, table
from portfolio.errors import RuleViolation

FIRST_NAMES = (
    "Ana",
    "Bram",
    "Chloé",
    "Dmitri",
    "Eva",
    "Farid",
    "Greta",
    "Hugo",
    "Ines",
    "Jakob",
    "Kofi",
    "Lena",
)
LAST_NAMES = ("Andersen", "Bianchi", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Horvat", "Ivanova")


def add_people(writer: ScaleWriter, use_case_count: int) -> tuple[list[int], list[int], list[int]]:
    """Write the people (one owner per 25 use cases, at least 20) and return (owners, reviewers, approvers)."""
    rng = writer.rng
    people, roles = [], []
    owners, reviewers, approvers = [], [], []
    existing = {e for (e,) in writer.session.execute(select(table("person").c.email))}
    generated = [
        (
            f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            f"owner{n:05d}@scale.example",
            rng.choice(CASES)["team"],
            ["contributor"],
        )
        for n in range(1, max(20, use_case_count // 25) + 1)
    ]
    for name, email, team, person_roles in [*PEOPLE, *generated]:
        if email in existing:
            continue
        person_id = writer.take_id("person")
        people.append(
            {
                "id": person_id,
                "email": email,
                "name": name,
                "team": team,
                "is_active": True,
                "created_at": writer.now,
                "updated_at": writer.now,
                "version": 1,
            }
        )
        roles.extend({"person_id": person_id, "role": role} for role in person_roles)
        if "contributor" in person_roles:
            owners.append(person_id)
        if "reviewer" in person_roles:
            reviewers.append(person_id)
        if "approver" in person_roles:
            approvers.append(person_id)
    writer.write("person", people)
    writer.write("person_role", roles)
    writer.done.people = len(people)
    if len(reviewers) < 2 or not approvers:
        raise RuleViolation(
            "The scale generator needs the demo's reviewers and approvers; the people table "
            "already holds some of them with other e-mails."
        )
    return owners, reviewers, approvers
