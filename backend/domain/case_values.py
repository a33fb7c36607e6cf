"""Coded values of a case that the bot sends (the path finder's choices and findings).

The bot names them in `bot/pathfinder.py`; tests/backend/test_staff_labels.py checks that both
sides list the same codes, and that each has a label in every staff UI language.
"""

from enum import StrEnum


class QualificationType(StrEnum):
    VOCATIONAL = "vocational"
    UNIVERSITY = "university"
    NONE = "none"
    IT_EXPERIENCE = "it_experience"


class RecognitionStatus(StrEnum):
    YES = "yes"
    NO = "no"
    IN_PROGRESS = "in_progress"
    UNKNOWN = "unknown"
    NOT_STARTED = "not_started"


class NoProspectReason(StrEnum):
    """The path finder's rules that mark a case as without prospect; clerks may add their own words."""

    WORKER_IN_GERMANY = "worker_in_germany"
    NO_JOB_OFFER = "no_job_offer"
    LICENCE_REFUSED = "licence_refused"
    HELPER_JOB = "helper_job"
    NO_FORMAL_QUALIFICATION = "no_formal_qualification"
    NOT_EQUIVALENT = "not_equivalent"
    EXPERIENCE_TOO_SHORT = "experience_too_short"
    SALARY_BELOW_THRESHOLD = "salary_below_threshold"
