"""English function words: what rewording changes freely and what carries no evidence."""

#: Function words dropped before keys are made: the words a rewording changes freely and
#: that carry no evidence of copying. Changing this list changes the content keys
#: (``overlap.sketch.content``): bump ``Settings.content_scheme`` with it.
STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each either etc
    even ever every few for from further had has have having he her here hers herself him
    himself his how however i if in into is it its itself just let may me might more most much
    must my myself neither no nor not now of off on once one only or other others our ours
    ourselves out over own per quite rather same shall she should since so some such than that
    the their theirs them themselves then there therefore these they this those though through
    thus to too under until up upon us very via was we well were what whatever when where
    whether which while who whom whose why will with within without would yet you your yours
    yourself yourselves s t d ll m re ve
    """.split()  # noqa: SIM905 - a word list reads best as text
)
