"""Who may do what: the permission matrix as data (role × action → scope).

Every route names its action; `backend.services.access` is the one place that checks it.
A role/action pair missing from the matrix is refused.
"""

from enum import StrEnum


class Role(StrEnum):
    BOT = "bot"
    STAFF = "staff"
    ADMIN = "admin"


class Scope(StrEnum):
    ANY = "any"  # every ticket (the bot creates them all)
    VISIBLE = "visible"  # tickets the user's organisation may see
    ROUTED = "routed"  # tickets routed to the user's organisation for the pre-check
    OWN_ORG = "own_org"  # users of the user's own organisation
    SELF = "self"  # the user's own account


class Action(StrEnum):
    TICKET_CREATE = "ticket.create"
    TICKET_STATUS = "ticket.status"
    STATUS_LOOKUP = "status.lookup"  # an employer proving ownership with the case's e-mail, via the bot
    CANDIDATE_LINK_RESOLVE = "candidate_link.resolve"  # the candidate's view of a case, by link code, via the bot
    ERASURE_REQUEST = "erasure.request"  # a person's "delete my data" in the chat, via the bot
    TICKET_LIST = "ticket.list"
    TICKET_READ = "ticket.read"
    TICKET_TRANSITION = "ticket.transition"
    TICKET_COMMENT = "ticket.comment"
    TICKET_CHECKLIST = "ticket.checklist"
    TICKET_ASSESS = "ticket.assess"
    TICKET_ASSIGN = "ticket.assign"
    TICKET_REROUTE = "ticket.reroute"
    TICKET_REDELIVER = "ticket.redeliver"
    TICKET_LINK_CODE = "ticket.link_code"  # revoke or regenerate the candidate's link code
    TICKET_ERASE = "ticket.erase"
    USER_LIST = "user.list"
    USER_CREATE = "user.create"
    USER_DEACTIVATE = "user.deactivate"
    USER_REVOKE_TOKENS = "user.revoke_tokens"
    DASHBOARD_VIEW = "dashboard.view"
    INSIGHTS_REPORT = "insights.report"  # the bot's event consumer sending anonymised facts
    INSIGHTS_VIEW = "insights.view"  # the organisations' leads (admins) reading the figures
    ACCOUNT_SECURITY = "account.security"  # one's own second factor


# Refusing one of these on a given ticket answers 404, so that a ticket the caller may not
# see is indistinguishable from one that does not exist.
TICKET_ACTIONS = frozenset(action for action in Action if action.value.startswith("ticket.")) - {
    Action.TICKET_CREATE,
    Action.TICKET_LIST,
}

_STAFF: dict[Action, Scope] = {
    Action.TICKET_LIST: Scope.VISIBLE,
    Action.TICKET_READ: Scope.VISIBLE,
    Action.TICKET_TRANSITION: Scope.VISIBLE,
    Action.TICKET_COMMENT: Scope.VISIBLE,
    Action.TICKET_CHECKLIST: Scope.ROUTED,
    Action.TICKET_ASSESS: Scope.ROUTED,
    Action.TICKET_ASSIGN: Scope.ROUTED,
    Action.TICKET_REROUTE: Scope.ROUTED,
    Action.TICKET_REDELIVER: Scope.ROUTED,
    Action.TICKET_LINK_CODE: Scope.ROUTED,
    Action.ACCOUNT_SECURITY: Scope.SELF,
}

PERMISSIONS: dict[Role, dict[Action, Scope]] = {
    Role.BOT: {
        Action.TICKET_CREATE: Scope.ANY,
        Action.TICKET_STATUS: Scope.ANY,
        Action.STATUS_LOOKUP: Scope.ANY,
        Action.CANDIDATE_LINK_RESOLVE: Scope.ANY,
        Action.INSIGHTS_REPORT: Scope.ANY,
        Action.ERASURE_REQUEST: Scope.ANY,
    },
    Role.STAFF: _STAFF,
    Role.ADMIN: _STAFF
    | {
        Action.TICKET_ERASE: Scope.VISIBLE,
        Action.USER_LIST: Scope.OWN_ORG,
        Action.USER_CREATE: Scope.OWN_ORG,
        Action.USER_DEACTIVATE: Scope.OWN_ORG,
        Action.USER_REVOKE_TOKENS: Scope.OWN_ORG,
        Action.DASHBOARD_VIEW: Scope.VISIBLE,
        Action.INSIGHTS_VIEW: Scope.ANY,  # anonymised facts over all conversations, no ticket
    },
}


def scope_for(role: Role, action: Action) -> Scope | None:
    return PERMISSIONS.get(role, {}).get(action)
