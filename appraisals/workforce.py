"""The Principal Social Worker's view of the workforce, as plain read models.

Munro (2011) asked that performance information be read with professional judgement and never
turned into a league table (recommendation 4), and that Principal Social Workers stay close to
practice and hear from practitioners (recommendation 14). So these functions:

* count, they never rank: rows come in the order of team names or of the framework, never by
  how well anyone did;
* never return a person: no names, no per-person rows, no objective texts;
* suppress small numbers by the one rule in :mod:`appraisals.suppression`: any count from
  fewer than :data:`SUPPRESSION_THRESHOLD` people is returned as
  ``Cell(count=None, suppressed=True)``; in the capability profile whole rows are hidden
  (zeros included) and all teams hides what any team hides, so that neither subtraction nor
  knowing the rule can give a hidden figure away.

Each function runs a fixed number of queries however many appraisals the organisation has. The
features live in their own modules, gathered here:

* :mod:`appraisals.workforce_progress`: appraisals due, overdue and completed; the ASYE cohort;
* :mod:`appraisals.workforce_counts`: the capability profile counted in the database;
* :mod:`appraisals.workforce_profile`: the capability profile's tables and their suppression;
* :mod:`appraisals.workforce_needs`: common development needs;
* :mod:`appraisals.workforce_voice`: practice voice notes by theme;
* :mod:`appraisals.workforce_common`: the figure (:class:`Cell`) and what they share.
"""

# SUPPRESSION_THRESHOLD is re-exported: pages and registers read it from here.
from .suppression import SUPPRESSION_THRESHOLD as SUPPRESSION_THRESHOLD
from .suppression import is_small as is_small
from .workforce_common import NO_LEVEL as NO_LEVEL
from .workforce_common import NO_TEAM as NO_TEAM
from .workforce_common import NOT_MAPPED as NOT_MAPPED
from .workforce_common import Cell as Cell
from .workforce_common import label as _label  # noqa: F401 (the annual report reads it)
from .workforce_common import local_midnight as _local_midnight  # noqa: F401 (ditto)
from .workforce_counts import latest_judgements as latest_judgements
from .workforce_counts import overall_counts as overall_counts
from .workforce_counts import team_counts as team_counts
from .workforce_needs import DevelopmentNeeds as DevelopmentNeeds
from .workforce_needs import DomainNeed as DomainNeed
from .workforce_needs import StatementNeed as StatementNeed
from .workforce_needs import development_needs as development_needs
from .workforce_profile import ALL_TEAMS as ALL_TEAMS
from .workforce_profile import CapabilityProfile as CapabilityProfile
from .workforce_profile import Heading as Heading
from .workforce_profile import LevelProfile as LevelProfile
from .workforce_profile import ProfileRow as ProfileRow
from .workforce_profile import ProfileTable as ProfileTable
from .workforce_profile import ScaleProfile as ScaleProfile
from .workforce_profile import capability_profile as capability_profile
from .workforce_progress import AsyeCohort as AsyeCohort
from .workforce_progress import ReviewPoint as ReviewPoint
from .workforce_progress import TeamProgress as TeamProgress
from .workforce_progress import asye_cohort as asye_cohort
from .workforce_progress import due_overdue_completed as due_overdue_completed
from .workforce_progress import organisation_progress as organisation_progress
from .workforce_progress import progress_totals as progress_totals
from .workforce_voice import ThemeNotes as ThemeNotes
from .workforce_voice import VoiceNote as VoiceNote
from .workforce_voice import practice_voice as practice_voice
