"""What a tokenizer can express of a span dataset, for `harness inspect` and validate's
tokenizer checks: per model × dataset, the gold answers / entities whose boundaries fall inside
a token (a ceiling on that model's EM / F1 whatever it learns: JGLUE dropped XLM-R from JSQuAD
for it), windows per question, questions and sentences cut at max_length. The counting is each
task type's (extractive_qa/facts.py, token_classification/facts.py); here the warning rule.

A model whose tokenizer cannot express WARN_SHARE or more of the gold spans is warned about.
"""

from __future__ import annotations

from harness.tasks.offsets import offsets_source
from harness.tasks.python_offsets import Aligner

WARN_SHARE = 0.05


def aligner_for(tokenizer):
    """One Aligner for a Python tokenizer's texts (None for a fast tokenizer)."""
    return Aligner(tokenizer) if offsets_source(tokenizer) == "aligned" else None


def warning(facts: dict, what: str) -> str | None:
    """The one-line warning for a share of inexpressible gold spans at or over WARN_SHARE."""
    share = facts["inexpressible_share"]
    if share < WARN_SHARE:
        return None
    count = facts.get("inexpressible_answers", facts.get("inexpressible_entities"))
    unit = "a word" if facts.get("label_all_tokens") is False else "a token"
    line = (f"{count} {what} ({share:.1%}) begin or end inside {unit} of this tokenizer: no "
            f"prediction can match them exactly (exact match / recall at most {1 - share:.1%})")
    if "inexpressible_other_setting" in facts and not facts["label_all_tokens"]:
        other = facts["inexpressible_other_setting"] / facts["entities"]
        line += f" (label_all_tokens: true, tagging every token: {other:.1%})"
    return line
