"""The colours and icons a manager sees for domain values on screen. The words and formats live in
portfolio.labels (shared with exports) and are re-exported here for pages."""

from portfolio.labels import (
    NOT_MEASURED,
    day,
    label,
    measured,
    moment,
    money_short,
    more,
    number,
    plural,
    yes_no,
)
from portfolio.models import AiActTier, KpiStatus, Stage

__all__ = [
    "NOT_MEASURED",
    "day",
    "label",
    "measured",
    "moment",
    "money_short",
    "more",
    "number",
    "plural",
    "yes_no",
]

STAGE_COLOURS = {
    Stage.proposed: "gray",
    Stage.assessed: "blue",
    Stage.pilot: "orange",
    Stage.scale_up: "violet",
    Stage.production: "green",
    Stage.retired: "gray",
    Stage.rejected: "red",
    Stage.stopped: "red",
}
TIER_COLOURS = {
    AiActTier.prohibited: "red",
    AiActTier.high: "orange",
    AiActTier.limited: "blue",
    AiActTier.minimal: "green",
}
STATUS_COLOURS = {
    KpiStatus.achieved: "green",
    KpiStatus.on_track: "blue",
    KpiStatus.at_risk: "orange",
    KpiStatus.off_track: "red",
    KpiStatus.no_recent_data: "gray",
}
STATUS_ICONS = {
    KpiStatus.achieved: ":material/check_circle:",
    KpiStatus.on_track: ":material/trending_up:",
    KpiStatus.at_risk: ":material/warning:",
    KpiStatus.off_track: ":material/error:",
    KpiStatus.no_recent_data: ":material/schedule:",
}
