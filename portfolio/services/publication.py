"""Which use cases the public register shows: marking one for publication is a public statement about an
AI system, so it is an approver's decision, guarded against out-of-date pages and recorded in the audit trail."""

from pydantic import Field, StrictBool
from sqlmodel import Session

from portfolio.errors import NotFound
from portfolio.models import Role, UseCase
from portfolio.services.audit import Actor, record_event, refuse_stale_edit
from portfolio.services.people import require_role
from portfolio.services.use_cases import FIELD_LABELS, ROW_CHANGES
from portfolio.validation import Id, Input, validate


class PublicationInput(Input):
    use_case_id: Id = Field(title="Use case")
    expected_version: Id = Field(title="Version of the use case you saw")
    publish: StrictBool = Field(title="Show on the public register")


def set_publication(
    session: Session, actor: Actor, use_case_id: int, expected_version: int, publish: bool
) -> UseCase:
    """Mark a use case for the public register, or take it off. Refused when the use case changed since the
    page showed it (so nobody publishes facts they have not seen)."""
    require_role(session, actor, Role.approver, "choose what the public AI register shows")
    data = validate(
        PublicationInput,
        {"use_case_id": use_case_id, "expected_version": expected_version, "publish": publish},
    )
    use_case = session.get(UseCase, data.use_case_id)
    if use_case is None:
        raise NotFound("That use case does not exist (any more); reload the page.")
    refuse_stale_edit(
        session,
        current_version=use_case.version,
        expected_version=data.expected_version,
        what=use_case.key,
        entity="use_case",
        entity_id=use_case.key,
        actions=ROW_CHANGES,
        labels=FIELD_LABELS | {"publish": "Public register"},
    )
    if use_case.publish == data.publish:
        return use_case
    before = {"publish": use_case.publish}
    use_case.publish = data.publish
    session.add(use_case)
    session.flush()
    record_event(
        session,
        actor,
        "use_case.updated",
        "use_case",
        use_case.key,
        before=before,
        after={"publish": data.publish},
    )
    return use_case
