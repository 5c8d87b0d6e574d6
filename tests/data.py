"""Constants shared by the tests: paths, IRIs and counts read off the seed documents."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"  # other councils' papers beside this checkout, as in CI
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus/ is not here")

BASE = "https://w3id.org/councilkg/id/"
CHILDREN_SEPT = BASE + "doc/escc/childrens-services-portfolio-plan-2020-09"
CHILDREN_OCT = BASE + "doc/escc/childrens-services-portfolio-plan-2020-10"
ASCH_2020 = BASE + "doc/escc/adult-social-care-and-health-portfolio-plan-2020-07"
ASCSC_2017 = BASE + "doc/escc/adult-social-care-and-safer-communities-portfolio-plan-2017-07"
SCRUTINY_2013 = BASE + "doc/escc/childrens-services-scrutiny-committee-report-2013-11-11"
KENT_PACK = BASE + "doc/kcc/childrens-social-care-and-health-cabinet-committee-agenda-pack-2016-03-22"

TOP_LEVEL_DOCUMENTS = 6
PORTFOLIO_PLANS = {CHILDREN_SEPT, CHILDREN_OCT, ASCH_2020, ASCSC_2017}

# the web pages (tests/test_pages.py, tests/test_browser.py)
LAC_QUESTION = "What was the 2019/20 outturn for the rate of Looked After Children per 10,000 children?"
LAC_MEASURE = CHILDREN_OCT + "/measure/24"  # "Rate of Looked After Children (per 10,000 children)", line 352 of 002
KENT_MEETING_JAN = BASE + "meeting/kcc/childrens-social-care-and-health-cabinet-committee/2016-01-22"


def said(expected: str, answer: str) -> bool:
    """`expected` stands in `answer` as whole words or numbers: "17" is not said by "2016/17" or "170"."""
    return re.search(rf"(?<![\w/.]){re.escape(expected)}(?![\w/]|[.,]\d)", answer) is not None
