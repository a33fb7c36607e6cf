"""The partner organisations and what each of them sees."""

from dataclasses import dataclass
from enum import StrEnum


class Visibility(StrEnum):
    ROUTED_TO_ORG = "routed_to_org"  # tickets whose routing.pre_check_org is the organisation
    FORWARDED = "forwarded"  # tickets forwarded to the Zentralstelle (and closed after that)


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    visibility: Visibility
    does_pre_check: bool


ORGANISATIONS: dict[str, Organisation] = {
    org.id: org
    for org in (
        Organisation("ihk_hannover", "IHK Hannover", Visibility.ROUTED_TO_ORG, True),
        Organisation("hwk_hannover", "Handwerkskammer Hannover", Visibility.ROUTED_TO_ORG, True),
        Organisation("welcome_center", "Welcome Center Region Hannover", Visibility.ROUTED_TO_ORG, True),
        Organisation(
            "zentralstelle",
            "Zentralstelle für das beschleunigte Fachkräfteverfahren (LAB NI, Osnabrück)",
            Visibility.FORWARDED,
            False,
        ),
    )
}

PRE_CHECK_ORGS = frozenset(org.id for org in ORGANISATIONS.values() if org.does_pre_check)
RECEIVING_ORG = "zentralstelle"
DEFAULT_PRE_CHECK_ORG = "welcome_center"
