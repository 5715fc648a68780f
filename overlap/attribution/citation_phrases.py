"""Signal phrases: the words before and after a name that make it the author cited.

``According to the ACA,``, ``In the words of Marlowe,``, ``as noted by the Institute,`` before
a name; ``... states``, ``... points out``, ``as ... found`` after it.
"""

from __future__ import annotations

import re

from overlap.attribution.citation_locators import LOCATOR

__all__ = ["signalled"]

_H = r"[^\S\n]"
_GAP = re.compile(rf"{_H}+")
#: How far before a name its signal phrase may start.
_LEAD_REACH = 40
#: "According to (the)", "In the words of (the)", "as noted by (the)": the name is the author.
_FRAME = re.compile(
    rf"(?:\baccording{_H}+to|\bin{_H}+the{_H}+words{_H}+of"
    rf"|\bas{_H}+(?:[^\W\d_]+ed|put|said|written|set{_H}+out){_H}+by){_H}+(?:the{_H}+)?$",
    re.IGNORECASE,
)
#: "As (the)" before a name: "as the Counseling Center found".
_AS = re.compile(rf"\bas{_H}+(?:the{_H}+)?$", re.IGNORECASE)
#: Reporting verbs that make a name the author of what follows ("The ACA states that",
#: "As Marlowe and Okafor note"). Narrower than those after ``Author (2008)``: without a year,
#: "As the Counseling Center offers ..." is no citation. The plain forms (``note``, ``state``)
#: follow only several names or ``et al.``: "the ACA state chapter" is no citation.
_VERB_BASE = (
    "acknowledge advise affirm argue assert caution claim clarify conclude contend declare "
    "define describe emphasize emphasise explain highlight insist note observe recommend "
    "remind say state stress suggest underscore warn write"
)
_VERB_FINITE = (
    "acknowledges acknowledged advises advised affirms affirmed argues argued asserts asserted "
    "cautions cautioned claims claimed clarifies clarified concludes concluded contends "
    "contended declares declared defines defined describes described emphasizes emphasized "
    "emphasises emphasised explains explained highlights highlighted insists insisted notes "
    "noted observes observed recommends recommended reminds reminded says said states stated "
    "stresses stressed suggests suggested underscores underscored warns warned writes wrote "
    "written"
)
#: Verbs that report only after "as" or before "that": "The Counseling Center found me a
#: therapist" cites nobody, "as the Counseling Center found" and "... reports that" do.
_PLAIN_BASE = "add find maintain report show"
_PLAIN_FINITE = "adds added finds found maintains maintained reports reported shows showed shown"
_PHRASE_BASE = rf"point{_H}+out|put{_H}+it|make{_H}+clear"
_PHRASE_FINITE = rf"(?:points|pointed){_H}+out|puts{_H}+it|(?:makes|made){_H}+clear"
_ADVERB = rf"(?:(?:also|further|rightly|clearly|aptly|explicitly|specifically|similarly){_H}+)?"
_AUXILIARY = rf"(?:(?:has|have|had){_H}+)?"
#: After a possessive name, a few words of the work's title: "the ACA's code of ethics states".
_WORK = rf"(?:['\u2019]s(?:{_H}+[\w\-]+){{1,4}}?)"
_AFTER_FRAME = re.compile(rf"{_WORK}?{_H}*(?:[,;:!?\"\u201c\u2013\u2014]|\.(?!\w)|(?P<paren>\())")
#: A name after a preposition is not the subject: "the president of the ACA said".
_OBJECT = re.compile(
    rf"\b(?:of|in|at|from|for|with|to|by|on|about|into|than){_H}+(?:the{_H}+)?$", re.IGNORECASE
)


def _verbs(plural: bool, after_as: bool) -> str:
    verbs = [*_VERB_FINITE.split(), _PHRASE_FINITE]
    plain = _PLAIN_FINITE.split()
    if plural:
        verbs += [*_VERB_BASE.split(), _PHRASE_BASE]
        plain += _PLAIN_BASE.split()
    plain_verb = "|".join(plain) if after_as else rf"(?:{'|'.join(plain)}){_H}+that"
    return rf"{_H}+{_ADVERB}{_AUXILIARY}{_ADVERB}(?:{'|'.join(verbs)}|{plain_verb})\b"


def _after_name(plural: bool, after_as: bool) -> re.Pattern[str]:
    """The name's verb, or its work's: "The ACA states", "the ACA's guidelines state"."""
    return re.compile(rf"{_WORK}{_verbs(True, after_as)}|{_verbs(plural, after_as)}")


#: The words after a name that make it the author, by (several names, "as" before them).
_AFTER_NAME = {(p, a): _after_name(p, a) for p in (False, True) for a in (False, True)}


def signalled(text: str, start: int, tail: int, plural: bool) -> bool:
    """Whether the words around a name make it the author cited.

    Args:
        text: The whole text.
        start: Where the name starts; the words before it are read back to the line start.
        tail: Where the name ends (after ``et al.``, or a defined abbreviation ``(ACA)``).
        plural: Whether the name is several authors (``Marlowe and Okafor note``).

    Returns:
        True after ``according to``/``in the words of``/``as noted by`` with punctuation or a
        locator after the name, or when a reporting verb follows it.
    """
    lead = text[max(0, start - _LEAD_REACH) : start]
    lead = lead[lead.rfind("\n") + 1 :]
    if _FRAME.search(lead):
        after = _AFTER_FRAME.match(text, tail)
        if after is None:
            return False
        if after.group("paren"):
            inside = _GAP.match(text, after.end())
            return LOCATOR.match(text, inside.end() if inside else after.end()) is not None
        return True
    if _OBJECT.search(lead):
        return False
    return _AFTER_NAME[plural, _AS.search(lead) is not None].match(text, tail) is not None
