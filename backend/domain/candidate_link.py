"""The candidate's link code and what a linked candidate may see.

The code is random and independent of the reference (shared/interfaces.md): three groups of four
Crockford base32 characters, 60 bits, stored only as a digest. A linked candidate sees the status and the checklist items
that are theirs to provide, never the employer's data or documents.
"""

import hashlib
import re
import secrets

from backend.domain.checklist import ItemState
from backend.domain.reference import CROCKFORD_BASE32

LINK_CODE_GROUPS = 3
LINK_CODE_GROUP_SIZE = 4
LINK_CODE_PATTERN = re.compile(
    rf"^[{CROCKFORD_BASE32}]{{{LINK_CODE_GROUP_SIZE}}}(-[{CROCKFORD_BASE32}]{{{LINK_CODE_GROUP_SIZE}}})"
    rf"{{{LINK_CODE_GROUPS - 1}}}$"
)

# Checklist items (bot/knowledge/checklist.yml) the skilled worker provides personally. The
# employer's own papers (contract, BA form, agreement, sub-authorisation, training register,
# contact authorisation) and the licence the authority obtains itself are not shown.
CANDIDATE_DOCUMENTS = frozenset(
    {
        "vollmacht",
        "passport_copy",
        "qualification_documents",
        "tabular_cv_german",
        "work_references",
        "no_recognition_application_declaration",
        "language_certificate",
        "translations",
        "family_vollmacht",
        "family_passports",
        "family_reunification_proof",
    }
)
STILL_OPEN = frozenset({ItemState.MISSING, ItemState.NEEDS_TRANSLATION})


def new_link_code() -> str:
    groups = ("".join(secrets.choice(CROCKFORD_BASE32) for _ in range(LINK_CODE_GROUP_SIZE)) for _ in range(3))
    return "-".join(groups)


def is_link_code(text: str) -> bool:
    return bool(LINK_CODE_PATTERN.match(text))


def is_candidates_open_item(item: str, state: str) -> bool:
    return item in CANDIDATE_DOCUMENTS and state in STILL_OPEN


def link_digest(code: str) -> str:
    """What is stored of a code: it is shown once (to the employer by the bot, to staff when they
    make a new one) and never kept in clear."""
    return hashlib.sha256(f"candidate_link:{code}".encode()).hexdigest()
