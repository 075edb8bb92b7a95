"""Key judgments: the bottom line every output opens with (decisions BL-01 ..).

Where a scenario has principals, the headline is the Nash package of their deal space (the
deal both governments sign), with per issue how often its option stays in the Nash package
under input uncertainty, what each side gives and gets, the issues where the single-issue
models disagree most, and signposts: the stances whose change would flip an option of the
headline package, with the change needed. Without principals, the bottom line is the ensemble
(equal-weight mean) of the models. Pure functions: scenario and model results in, a frozen
`Judgments` out; `bottom_line_document(judgments, lang)` turns it into plain JSON-ready data.

    from grandbargain.bottomline import judge, bottom_line_document, package_forecasts
    j = judge(load_scenario(), results)
    bottom_line_document(j, "zh")
"""

from grandbargain.bottomline._judgments import (
    DEFAULT_DRAWS,
    DEFAULT_NOISE,
    HEADLINE,
    Judgments,
    bottom_line_document,
    judge,
    package_analysis,
)
from grandbargain.bottomline._packages import PACKAGE_COLUMNS, package_forecasts
from grandbargain.bottomline._signposts import Signpost, nash_package_for, signposts, with_position

__all__ = [
    "DEFAULT_DRAWS",
    "DEFAULT_NOISE",
    "HEADLINE",
    "PACKAGE_COLUMNS",
    "Judgments",
    "Signpost",
    "bottom_line_document",
    "judge",
    "nash_package_for",
    "package_analysis",
    "package_forecasts",
    "signposts",
    "with_position",
]
