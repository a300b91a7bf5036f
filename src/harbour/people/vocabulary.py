"""The words a person's record is kept in: the 2021 Census ethnic groups, the warning markers
and flags, and the legal bases on which a child is looked after (with the ones that count as "in
care" for section 49 of the Children Act 1989)."""

from __future__ import annotations

import enum

ETHNICITIES: dict[str, str] = {
    # The 19 ethnic groups of the 2021 Census of England and Wales.
    "white_british": "White: English, Welsh, Scottish, Northern Irish or British",
    "white_irish": "White: Irish",
    "white_gypsy_traveller": "White: Gypsy or Irish Traveller",
    "white_roma": "White: Roma",
    "white_other": "White: Any other White background",
    "mixed_white_black_caribbean": "Mixed: White and Black Caribbean",
    "mixed_white_black_african": "Mixed: White and Black African",
    "mixed_white_asian": "Mixed: White and Asian",
    "mixed_other": "Mixed: Any other Mixed or multiple ethnic background",
    "asian_indian": "Asian or Asian British: Indian",
    "asian_pakistani": "Asian or Asian British: Pakistani",
    "asian_bangladeshi": "Asian or Asian British: Bangladeshi",
    "asian_chinese": "Asian or Asian British: Chinese",
    "asian_other": "Asian or Asian British: Any other Asian background",
    "black_african": "Black, Black British, Caribbean or African: African",
    "black_caribbean": "Black, Black British, Caribbean or African: Caribbean",
    "black_other": "Black, Black British, Caribbean or African: Any other Black background",
    "other_arab": "Other ethnic group: Arab",
    "other_any": "Other ethnic group: Any other ethnic group",
}

FLAGS: dict[str, str] = {
    "cse_risk": "Risk of child sexual exploitation",
    "cce_risk": "Risk of child criminal exploitation",
    "county_lines": "County lines involvement",
    "dementia": "Dementia",
    "mental_health": "Mental health concern",
    "self_harm": "Self-harm or suicide risk",
    "trafficking": "Trafficking or modern slavery concern",
    "weapons": "Weapons warning",
    "violence": "Violence warning",
    "drugs": "Drugs",
    "missing_from_care": "Missing from care",
}
# The same codes as the risk questionnaire's force_flags (risk.schemas.ForceFlag); a test keeps
# the two lists in step.

CHILD_AGE = 18


class CareBasis(enum.StrEnum):
    """The legal basis on which a child is looked after by a local authority."""

    care_order = "care_order"
    interim_care_order = "interim_care_order"
    emergency_protection_order = "emergency_protection_order"
    police_protection = "police_protection"
    s20_accommodation = "s20_accommodation"


CARE_BASES: dict[str, str] = {
    "care_order": "Care order (section 31, Children Act 1989)",
    "interim_care_order": "Interim care order (section 38)",
    "emergency_protection_order": "Emergency protection order (section 44)",
    "police_protection": "Police protection (section 46)",
    "s20_accommodation": "Accommodated by agreement (section 20)",
}
# Section 49 of the Children Act 1989 (abduction) protects a child in care (a care order, which
# includes an interim care order: s31(11) and s105), under an emergency protection order or in
# police protection. A child accommodated by agreement under s20 is looked after, not "in care".
IN_CARE_S49 = frozenset(
    {
        CareBasis.care_order,
        CareBasis.interim_care_order,
        CareBasis.emergency_protection_order,
        CareBasis.police_protection,
    }
)
