"""Path finder: which residence title is likely, whether § 81a fits, and no-prospect findings.

Pure rules over a ``PathInput`` (facts.md sections 1, 3 and 4). Salary thresholds come from
facts.yml for the given day. Messages are keys plus parameters; ``render_message`` turns them
into German or English text from ``bot/knowledge/pathfinder_messages.yml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from bot.answers import ParamValue, Percent, render_text
from bot.knowledge import KNOWLEDGE_DIR, ReloadingFile, ValueOn, value_on
from bot.thresholds import Threshold, threshold_on

QUALIFICATION_TYPES = ("vocational", "university", "none", "it_experience")
RECOGNITION_STATUSES = ("yes", "no", "in_progress", "unknown", "not_started")
LICENCE_STATUSES = ("granted", "pending", "none", "refused")

# Path-finder threshold kinds that are named differently in bot.thresholds (the others are the same).
SALARY_KINDS = {"it_blue_card": "blue_card_reduced"}
# Path-finder titles -> the ``residence_title`` parameter of the answer topics.
ANSWER_TOPIC_TITLES = {"16d1": "16d", "16d3": "16d", "it_blue_card": "it_specialist"}
# Years of experience each route needs (in the window of the ``_window`` fact), from facts.yml.
EXPERIENCE_FACTS = {"19c2": "experience_route_experience", "it_blue_card": "it_blue_card_experience"}


@dataclass(frozen=True)
class PathInput:
    qualification_type: str  # vocational | university | none | it_experience
    recognition_status: str = "unknown"  # recognised/comparable: yes | no | in_progress | unknown | not_started
    regulated_profession: bool = False
    licence_status: str = "none"  # granted | pending | none | refused
    job_offer: bool = True
    training_offer: bool = False
    annual_salary_eur: Decimal | None = None
    collective_agreement: bool = False
    age_45_or_over: bool = False
    adequate_pension_provision: bool = False
    worker_abroad: bool = True
    years_experience_last_5: Decimal | None = None
    years_it_experience_last_7: Decimal | None = None
    qualification_recognised_abroad: bool = True  # state-recognised where obtained, >= 2 years
    shortage_or_new_entrant: bool | None = None  # None: not asked (it only matters between the two thresholds)
    helper_job: bool = False
    german_a2: bool = False

    def __post_init__(self) -> None:
        _check_choice("qualification_type", self.qualification_type, QUALIFICATION_TYPES)
        _check_choice("recognition_status", self.recognition_status, RECOGNITION_STATUSES)
        _check_choice("licence_status", self.licence_status, LICENCE_STATUSES)


def _check_choice(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{name}={value!r}; expected one of {allowed}")


@dataclass(frozen=True)
class Message:
    key: str
    params: Mapping[str, ParamValue] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    """A rule that rules out a route, with what could still work."""

    rule: str
    message: Message
    alternatives: tuple[Message, ...] = ()


@dataclass(frozen=True)
class PathResult:
    titles: tuple[str, ...]
    accelerated_procedure_fits: bool
    reasons: tuple[Message, ...]
    next_steps: tuple[Message, ...]
    ruled_out: tuple[Finding, ...]
    no_prospect: tuple[Finding, ...]
    unchecked: tuple[str, ...] = ()  # titles whose salary threshold is unknown on the day: kept, not ruled out

    def ticket_no_prospect(self) -> dict[str, Any]:
        """The ticket body's ``no_prospect`` object: ``{"flag": bool, "reasons": [rule, ...]}``."""
        return {"flag": bool(self.no_prospect), "reasons": [f.rule for f in self.no_prospect]}


# ---------------------------------------------------------------- thresholds


def required_experience(title: str, day: date) -> Decimal | None:
    """The years of experience ``title`` needs on ``day``, or None where the route did not exist."""
    lookup = value_on(EXPERIENCE_FACTS[title], day)
    return Decimal(str(lookup.value)) if isinstance(lookup, ValueOn) else None


def salary_threshold(kind: str, day: date) -> Decimal | None:
    """The annual threshold of ``kind`` (bot.thresholds' kinds, or "it_blue_card") valid on ``day``, or None."""
    threshold = threshold_on(SALARY_KINDS.get(kind, kind), day)
    return threshold.annual if threshold.known else None


def _threshold_params(threshold: Threshold) -> dict[str, ParamValue]:
    """The figure with its share of the contribution ceiling and its rule, for the messages."""
    params: dict[str, ParamValue] = {"legal_basis": threshold.rule}
    if threshold.annual is not None:
        params["threshold"] = threshold.annual
    if threshold.share_percent is not None:
        params["share"] = Percent(threshold.share_percent)
    if threshold.valid_from is not None and threshold.valid_until is not None:
        params |= {"valid_from": threshold.valid_from, "valid_until": threshold.valid_until}
    return params


# ---------------------------------------------------------------- evaluation


@dataclass
class _Evaluation:
    case: PathInput
    day: date
    titles: list[str] = field(default_factory=list)
    reasons: list[Message] = field(default_factory=list)
    steps: list[Message] = field(default_factory=list)
    ruled_out: list[Finding] = field(default_factory=list)
    blockers: list[Finding] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)

    def block(self, rule: str, *alternatives: Message, **params: ParamValue) -> None:
        self.blockers.append(Finding(rule, Message(rule, params), alternatives))

    def rule_out(self, rule: str, *alternatives: Message, message_key: str = "", **params: ParamValue) -> None:
        self.ruled_out.append(Finding(rule, Message(message_key or rule, params), alternatives))

    def accept(self, title: str) -> None:
        if title not in self.titles:
            self.titles.append(title)
            self.reasons.append(Message("title_fits", {"title": title}))

    def accept_if_salary_ok(self, title: str, kind: str, *alternatives: Message) -> None:
        """Accept ``title`` unless the stated salary is below its threshold valid on the day.

        A threshold the knowledge file lacks for the day is a check that could not be made, never
        a "no": the title stays, with the last known value, its validity and the Zentralstelle.
        """
        threshold = threshold_on(SALARY_KINDS.get(kind, kind), self.day)
        salary = self.case.annual_salary_eur
        if not threshold.known or threshold.annual is None:
            self.accept(title)
            self.threshold_unknown(title, threshold, alternatives)
            return
        if salary is not None and salary < threshold.annual:
            params = _threshold_params(threshold)
            raise_to = Message("alternative_raise_salary", {"title": title, **params})
            self.rule_out(
                "salary_below_threshold",
                raise_to,
                *alternatives,
                message_key="salary_below_threshold",  # named, so that mypy knows **params cannot fill it
                title=title,
                salary=salary,
                **params,
            )
            return
        self.accept(title)

    def threshold_unknown(self, title: str, threshold: Threshold, alternatives: tuple[Message, ...] = ()) -> None:
        self.unchecked.append(title)
        if threshold.annual is None:
            self.reasons.append(Message("threshold_unknown_no_value", {"title": title, "legal_basis": threshold.rule}))
        else:
            self.reasons.append(Message("threshold_unknown_for_day", {"title": title, **_threshold_params(threshold)}))
            salary = self.case.annual_salary_eur
            if salary is not None and salary < threshold.annual:
                self.reasons.append(Message("threshold_unknown_salary_below_last_known", {"salary": salary}))
                self.reasons.extend(alternatives)  # what would make the threshold irrelevant
        if Message("step_contact_zentralstelle") not in self.steps:
            self.steps.append(Message("step_contact_zentralstelle"))


def _alternative(title: str) -> Message:
    return Message("alternative_title", {"title": title})


def _check_case_level_blockers(ev: _Evaluation) -> None:
    case = ev.case
    if not case.worker_abroad:
        ev.block("worker_in_germany", Message("alternative_after_entry_office"))
    if not case.job_offer and not case.training_offer:
        ev.block("no_job_offer", _alternative("chancenkarte"))
    if case.regulated_profession and case.licence_status == "refused":
        ev.block("licence_refused", _alternative("16d1"), _alternative("16d3"))


def _helper_job(ev: _Evaluation) -> None:
    case = ev.case
    qualified = case.qualification_type in ("vocational", "university") and case.qualification_recognised_abroad
    if case.regulated_profession and qualified and case.german_a2:
        ev.accept("16d3")  # § 16d Abs. 3: helper work allowed in regulated professions until the licence
        return
    ev.block("helper_job", _alternative("16d3" if qualified else "16a"))


def _experience_route(ev: _Evaluation, needs_recognised_qualification: bool = True) -> None:
    """§ 19c Abs. 2: non-regulated job, 2 years' experience in 5, salary threshold or collective agreement.

    A state-recognised qualification is needed except for IT specialists.
    """
    case = ev.case
    if case.regulated_profession or (needs_recognised_qualification and not case.qualification_recognised_abroad):
        return
    years = case.years_experience_last_5
    required = required_experience("19c2", ev.day)
    if years is None or required is None:
        return
    if years < required:
        ev.rule_out("experience_too_short", message_key="experience_too_short_19c2", title="19c2")
        return
    if case.collective_agreement:
        ev.reasons.append(Message("collective_agreement_exemption"))
        ev.accept("19c2")
        return
    ev.accept_if_salary_ok("19c2", "19c2", Message("alternative_collective_agreement"))


def _skilled_worker_title(ev: _Evaluation, title: str) -> None:
    """§§ 18a/18b, with the 45+ salary rule unless adequate old-age provision is shown."""
    case = ev.case
    if not case.age_45_or_over:
        ev.accept(title)
        return
    if case.adequate_pension_provision:
        ev.reasons.append(Message("pension_provision_exemption"))
        ev.accept(title)
        return
    ev.accept_if_salary_ok(title, "age_45_plus", Message("alternative_pension_provision"))


def _recognition_steps(ev: _Evaluation) -> None:
    status = ev.case.recognition_status
    if status == "in_progress":
        ev.reasons.append(Message("recognition_already_applied"))
        ev.steps.append(Message("step_contact_zentralstelle"))
    elif status in ("unknown", "not_started"):
        ev.reasons.append(Message("recognition_in_procedure"))
    if ev.case.regulated_profession and ev.case.licence_status != "granted":
        ev.reasons.append(Message("licence_obtained_in_procedure"))


def _vocational(ev: _Evaluation) -> None:
    if ev.case.recognition_status == "no":
        ev.rule_out("not_equivalent", _alternative("16d1"), title="18a")
        ev.accept("16d1")
    else:
        _skilled_worker_title(ev, "18a")
        _recognition_steps(ev)
    _experience_route(ev)
    if "19c2" in ev.titles:
        ev.steps.append(Message("step_dab"))


def _university(ev: _Evaluation) -> None:
    case = ev.case
    if case.recognition_status == "no":
        ev.rule_out("not_equivalent", _alternative("16d1"), title="18b")
        ev.accept("16d1")
        return
    _skilled_worker_title(ev, "18b")
    _blue_card(ev)
    _recognition_steps(ev)
    if case.recognition_status != "yes":
        ev.steps.append(Message("step_zab_check"))
    _experience_route(ev)


def salary_between_blue_card_thresholds(salary: Decimal | None, day: date) -> bool:
    """Whether the reduced Blue Card threshold (shortage occupations, new entrants) decides the case.

    On a day without thresholds the last known ones decide whether to ask; the check itself then
    stays open (see ``accept_if_salary_ok``).
    """
    general, reduced = threshold_on("blue_card", day), threshold_on("blue_card_reduced", day)
    if salary is None or general.annual is None or reduced.annual is None:
        return False
    return reduced.annual <= salary < general.annual


def _blue_card(ev: _Evaluation) -> None:
    """§ 18g Abs. 1: the general threshold, or the reduced one for shortage occupations and new entrants."""
    shortage = ev.case.shortage_or_new_entrant
    general, reduced = threshold_on("blue_card", ev.day), threshold_on("blue_card_reduced", ev.day)
    if not (general.known and reduced.known and general.annual and reduced.annual):  # an open check (V1)
        ev.accept_if_salary_ok("blue_card", "blue_card_reduced" if shortage else "blue_card")
        return
    both: dict[str, ParamValue] = {"general": general.annual, "reduced": reduced.annual}
    if not salary_between_blue_card_thresholds(ev.case.annual_salary_eur, ev.day):
        lower = () if shortage else (Message("alternative_blue_card_reduced", both),)
        ev.accept_if_salary_ok("blue_card", "blue_card_reduced" if shortage else "blue_card", *lower)
        return
    # between the thresholds the answer on shortage occupation / new entrant decides
    if shortage is None:
        ev.accept("blue_card")
        ev.reasons.append(Message("blue_card_depends_on_shortage", both))
    elif shortage:
        ev.accept("blue_card")
        ev.reasons.append(Message("blue_card_reduced_threshold_applies", both))
    else:
        ev.accept_if_salary_ok("blue_card", "blue_card", Message("alternative_blue_card_reduced", both))


def _it_experience(ev: _Evaluation) -> None:
    """IT specialists without a degree: Blue Card § 18g Abs. 2 or § 19c Abs. 2 without formal qualification."""
    ev.reasons.append(Message("it_no_recognition_needed"))
    years = ev.case.years_it_experience_last_7
    required = required_experience("it_blue_card", ev.day)
    if years is not None and required is not None and years >= required:
        ev.accept_if_salary_ok("it_blue_card", "it_blue_card")
    elif years is not None:
        ev.rule_out("experience_too_short", message_key="experience_too_short_it_blue_card", title="it_blue_card")
    _experience_route(ev, needs_recognised_qualification=False)


def _qualification_routes(ev: _Evaluation) -> None:
    qualification = ev.case.qualification_type
    if ev.case.training_offer:
        ev.accept("16a")
    if qualification == "vocational":
        _vocational(ev)
    elif qualification == "university":
        _university(ev)
    elif qualification == "it_experience":
        _it_experience(ev)
    elif not ev.case.training_offer:
        # § 19c Abs. 2 needs a state-recognised qualification of >= 2 years or a degree: not offered here.
        ev.block("no_formal_qualification", _alternative("16a"), Message("alternative_it_without_degree"))


def _salary_matters(case: PathInput) -> bool:
    """Thresholds apply to a skilled job; helper jobs and training places are judged without them."""
    return case.job_offer and not case.helper_job and case.qualification_type != "none"


def _finish(ev: _Evaluation) -> PathResult:
    if ev.case.annual_salary_eur is None and _salary_matters(ev.case):
        ev.reasons.append(Message("salary_unknown"))
        ev.steps.append(Message("step_state_salary"))
    no_prospect = list(ev.blockers)
    if not ev.titles and not ev.blockers:
        no_prospect = list(ev.ruled_out)
    fits = not ev.blockers and bool(ev.titles)
    if fits:
        ev.steps[:0] = [Message("step_pre_check"), Message("step_vollmacht"), Message("step_erklaerung")]
    return PathResult(
        titles=tuple(ev.titles) if not ev.blockers else (),
        accelerated_procedure_fits=fits,
        reasons=tuple(ev.reasons),
        next_steps=tuple(ev.steps),
        ruled_out=tuple(ev.ruled_out),
        no_prospect=tuple(no_prospect),
        unchecked=tuple(ev.unchecked),
    )


def find_path(case: PathInput, day: date) -> PathResult:
    """Evaluate ``case`` with the thresholds valid on ``day``."""
    ev = _Evaluation(case=case, day=day)
    _check_case_level_blockers(ev)
    if case.helper_job:
        _helper_job(ev)
    elif case.job_offer or case.training_offer:
        _qualification_routes(ev)
    return _finish(ev)


# ---------------------------------------------------------------- rendering


@dataclass(frozen=True)
class _MessageTexts:
    titles: Mapping[str, Mapping[str, str]]
    messages: Mapping[str, Mapping[str, str]]


def _parse_messages(document: Any) -> _MessageTexts:
    return _MessageTexts(titles=document["titles"], messages=document["messages"])


_messages_file = ReloadingFile(KNOWLEDGE_DIR / "pathfinder_messages.yml", _parse_messages)


def message_texts() -> _MessageTexts:
    texts: _MessageTexts = _messages_file.get()
    return texts


def residence_title_param(title: str) -> str:
    """The ``residence_title`` value for ``render("residence_title", ...)`` that explains ``title``."""
    return ANSWER_TOPIC_TITLES.get(title, title)


def title_name(title: str, language: str) -> str:
    return message_texts().titles[title][language]


def render_message(message: Message, language: str, day: date) -> str:
    """The text of ``message`` in ``language``; ``title`` params are shown by their name."""
    texts = message_texts()
    params = {
        key: title_name(value, language) if key == "title" and isinstance(value, str) else value
        for key, value in message.params.items()
    }
    return render_text(texts.messages[message.key], language, day, params).text


@dataclass(frozen=True)
class PathSummary:
    """A rendered ``PathResult``: one text per message, ready for the chat."""

    titles: tuple[str, ...]
    reasons: tuple[str, ...]
    next_steps: tuple[str, ...]
    no_prospect: tuple[str, ...]
    ruled_out: tuple[str, ...]
    alternatives: tuple[str, ...]


def _names_a_fitting_title(alternative: Message, result: PathResult) -> bool:
    return alternative.key == "alternative_title" and alternative.params.get("title") in result.titles


def summarise(result: PathResult, language: str, day: date) -> PathSummary:
    """Render every part of ``result`` in ``language`` (titles by name, findings with alternatives).

    Routes ruled out beside a route that fits are shown too, so the employer learns why, say,
    the Blue Card is not possible although § 18b is.
    """
    ruled_out = [finding for finding in result.ruled_out if finding not in result.no_prospect]
    alternatives = [
        alternative
        for finding in (*result.no_prospect, *ruled_out)
        for alternative in finding.alternatives
        if not _names_a_fitting_title(alternative, result)
    ]
    return PathSummary(
        titles=tuple(title_name(t, language) for t in result.titles),
        reasons=tuple(render_message(m, language, day) for m in result.reasons),
        next_steps=tuple(render_message(m, language, day) for m in result.next_steps),
        no_prospect=tuple(render_message(f.message, language, day) for f in result.no_prospect),
        ruled_out=tuple(render_message(f.message, language, day) for f in ruled_out),
        alternatives=tuple(dict.fromkeys(render_message(m, language, day) for m in alternatives)),
    )
