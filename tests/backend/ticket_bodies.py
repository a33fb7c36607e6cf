"""Ticket bodies as the bot sends them (docs/contracts.md), for the tests."""

import copy
from typing import Any

ORG_NAMES = {
    "ihk_hannover": "IHK Hannover",
    "hwk_hannover": "Handwerkskammer Hannover",
    "welcome_center": "Welcome Center Region Hannover",
}

FULL_BODY: dict[str, Any] = {
    "reference": "LT-2026-7K3QZD",
    "language": "de",
    "case": {
        "company_name": "Tischlerei Beispiel GmbH",
        "business_type": "craft",
        "workplace_municipality": "garbsen",
        "workplace_postcode": "30823",
        "residence_municipality": "hannover",
        "contact_name": "Erika Mustermann",
        "contact_email": "erika@tischlerei-beispiel.de",
        "contact_phone": "+49 511 123456",
        "occupation": "Tischler",
        "qualification": {"type": "vocational", "country": "TR", "recognition_status": "not_started"},
        "nationality": "TR",
        "country_of_residence": "TR",
        "start_date": "2027-03-01",
        "salary_annual_eur": 52000,
        "collective_agreement": True,
        "age_band": "under_45",
        "family_members": 2,
        "contact_language": "de",
    },
    "routing": {
        "pre_check_org": {"id": "hwk_hannover", "name": "Handwerkskammer Hannover"},
        "recognition_body": {"id": "hwk_hannover", "name": "Handwerkskammer Hannover"},
        "forward_to": {
            "id": "zentralstelle",
            "name": "Zentralstelle für das beschleunigte Fachkräfteverfahren (LAB NI, Osnabrück)",
        },
        "after_entry_office": {"id": "abh_region_hannover", "name": "Ausländerbehörde Region Hannover"},
    },
    "checklist": [{"item": "vollmacht", "state": "missing"}, {"item": "passport_copy", "state": "received"}],
    "no_prospect": {"flag": False, "reasons": []},
    "candidate_link_code": "9F4K-2QXM-7TZA",
    "consent": {"given_at": "2026-11-26T10:00:00+01:00", "text_version": "2026-11"},
}

MINIMAL_BODY: dict[str, Any] = {
    "reference": "LT-2026-M1N1MA",
    "case": {"company_name": "Beispiel AG", "contact_email": "info@beispiel.de", "occupation": "Mechatroniker"},
    "consent": {"given_at": "2026-11-26T10:00:00+01:00", "text_version": "2026-11"},
}


def ticket_body(reference: str = "LT-2026-7K3QZD", org: str = "hwk_hannover", **case: Any) -> dict[str, Any]:
    body = copy.deepcopy(FULL_BODY)
    body["reference"] = reference
    body["routing"]["pre_check_org"] = {"id": org, "name": ORG_NAMES[org]}
    body["case"].update(case)
    return body
