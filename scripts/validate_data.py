"""`rasa data validate`, except that intents a channel triggers (`EXTERNAL_…`, Rasa's convention for
external events) need no NLU examples: nobody types them, and examples would teach the classifier to
predict them for real messages. Rasa's validator has no way to say so; with `--fail-on-warnings` it
would fail on each. Run as `python scripts/validate_data.py <the arguments of rasa data validate>`."""

from __future__ import annotations

import sys
from typing import List

from rasa.__main__ import main
from rasa.validator import Validator

EXTERNAL_PREFIX = "EXTERNAL_"
_every_intent = Validator._non_default_intents


def _typed_intents(validator: Validator) -> List[str]:
    return [intent for intent in _every_intent(validator) if not intent.startswith(EXTERNAL_PREFIX)]


if __name__ == "__main__":
    Validator._non_default_intents = _typed_intents
    sys.argv = ["rasa", "data", "validate", *sys.argv[1:]]
    main()
