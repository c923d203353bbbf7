"""Paired A/B tests of a baseline against an enhanced configuration.

``arms`` checks the two arms, ``services`` writes (plan, create, start,
cancel, rate by blind label, refresh results), ``results`` computes the
statistics and ``report`` prints them, ``selectors`` and ``filters`` read
(lists, the blind pairs), ``media`` serves outputs by blind label,
``hooks`` is the thin seam the job services call. The workflow is
documented in docs/metrics.md ("A/B test workflow").

Nothing is imported here: ``generations.services`` imports ``hooks``, and the
services import ``generations.services``.
"""

# Who may see the blind pairs, their media, and rate them (admin pages and API): moderators too.
RATE_PERMISSION = "generations.rate_job"
