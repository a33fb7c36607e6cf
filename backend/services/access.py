"""The one place where permissions are checked: the matrix, organisation visibility and scope."""

from sqlalchemy import ColumnElement, and_, false, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from backend.database.models import Ticket, User
from backend.domain.organisations import ORGANISATIONS, Visibility
from backend.domain.permissions import TICKET_ACTIONS, Action, Scope, scope_for
from backend.domain.statuses import Status
from backend.services.accounts import Principal
from backend.services.errors import ApiError, not_found


def require(principal: Principal, action: Action) -> Scope:
    """The scope the principal holds for the action; refuses with 404 on ticket actions, else 403."""
    scope = scope_for(principal.role, action)
    if scope is not None:
        return scope
    if action in TICKET_ACTIONS:
        raise not_found()
    raise ApiError(403, "forbidden", "This token may not do that.")


def visible_tickets(principal: Principal) -> ColumnElement[bool]:
    """SQL condition for the tickets the principal's organisation may see."""
    organisation = ORGANISATIONS.get(principal.organisation or "")
    if organisation is None:
        return false()
    if organisation.visibility is Visibility.ROUTED_TO_ORG:
        return Ticket.pre_check_org == organisation.id
    return and_(Ticket.forwarded_at.is_not(None), Ticket.status.in_([Status.FORWARDED, Status.CLOSED]))


def _scope_condition(principal: Principal, scope: Scope) -> ColumnElement[bool]:
    if scope is Scope.ANY:
        return true()
    return visible_tickets(principal)


async def ticket_for(session: AsyncSession, principal: Principal, reference: str, action: Action) -> Ticket:
    """Loads the ticket the action is about, or refuses: 404 when it is not visible, 403 when
    it is visible but the scope needs it routed to the principal's own organisation."""
    scope = require(principal, action)
    query = select(Ticket).where(Ticket.reference == reference, _scope_condition(principal, scope))
    ticket = await session.scalar(query)
    if ticket is None:
        raise not_found()
    if scope is Scope.ROUTED and ticket.pre_check_org != principal.organisation:
        raise ApiError(403, "not_routed_to_you", "Only the organisation doing the pre-check may do this.")
    return ticket


def require_user_in_scope(principal: Principal, action: Action, user: User | None) -> User:
    """User management is limited to the own organisation; other users are reported as not found."""
    scope = require(principal, action)
    if user is None or (scope is Scope.OWN_ORG and user.organisation != principal.organisation):
        raise not_found()
    return user
