"""Ticket statuses, the allowed transitions and who may make each one."""

from enum import StrEnum


class Status(StrEnum):
    SUBMITTED = "submitted"
    IN_PRE_CHECK = "in_pre_check"
    WAITING_FOR_EMPLOYER = "waiting_for_employer"
    COMPLETE = "complete"
    FORWARDED = "forwarded"
    CLOSED = "closed"


class Party(StrEnum):
    PRE_CHECK_ORG = "pre_check_org"  # the organisation the ticket is routed to
    RECEIVING_ORG = "receiving_org"  # the Zentralstelle, once forwarded


class Outcome(StrEnum):
    NO_PROSPECT = "no_prospect"
    WITHDRAWN = "withdrawn"
    DUPLICATE = "duplicate"
    REFERRED_ELSEWHERE = "referred_elsewhere"
    PRE_APPROVAL_GRANTED = "pre_approval_granted"
    REFUSED = "refused"


S = Status
TRANSITIONS: dict[tuple[Status, Status], Party] = {
    (S.SUBMITTED, S.IN_PRE_CHECK): Party.PRE_CHECK_ORG,
    (S.SUBMITTED, S.CLOSED): Party.PRE_CHECK_ORG,
    (S.IN_PRE_CHECK, S.WAITING_FOR_EMPLOYER): Party.PRE_CHECK_ORG,
    (S.IN_PRE_CHECK, S.COMPLETE): Party.PRE_CHECK_ORG,
    (S.IN_PRE_CHECK, S.CLOSED): Party.PRE_CHECK_ORG,
    (S.WAITING_FOR_EMPLOYER, S.IN_PRE_CHECK): Party.PRE_CHECK_ORG,
    (S.WAITING_FOR_EMPLOYER, S.CLOSED): Party.PRE_CHECK_ORG,
    (S.COMPLETE, S.IN_PRE_CHECK): Party.PRE_CHECK_ORG,
    (S.COMPLETE, S.FORWARDED): Party.PRE_CHECK_ORG,
    (S.FORWARDED, S.IN_PRE_CHECK): Party.RECEIVING_ORG,
    (S.FORWARDED, S.CLOSED): Party.RECEIVING_ORG,
}

OUTCOMES_BY_ORIGIN: dict[Status, frozenset[Outcome]] = {
    S.FORWARDED: frozenset({Outcome.PRE_APPROVAL_GRANTED, Outcome.REFUSED, Outcome.WITHDRAWN}),
}
PRE_CHECK_OUTCOMES = frozenset({Outcome.NO_PROSPECT, Outcome.WITHDRAWN, Outcome.DUPLICATE, Outcome.REFERRED_ELSEWHERE})
REROUTABLE = frozenset({S.SUBMITTED, S.IN_PRE_CHECK, S.WAITING_FOR_EMPLOYER})


def allowed_targets(current: Status) -> list[Status]:
    return [target for (origin, target) in TRANSITIONS if origin == current]


def allowed_outcomes(origin: Status) -> frozenset[Outcome]:
    return OUTCOMES_BY_ORIGIN.get(origin, PRE_CHECK_OUTCOMES)
