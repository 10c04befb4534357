"""Evidence beyond DNA, each factor a likelihood ratio with its stated error rate, the stated
posterior, and the identification policy as versioned data. Pure Python: no Django, no I/O
beyond reading the packaged policy files.

H1 is "these remains are this missing person", H2 "these remains are someone else in the search
scope". Every factor is ``P(observation | H1) / P(observation | H2)``; see
docs/identification.md for the calibration of each one.
"""

from exhume.evidence.factors import (
    Factor,
    age_factor,
    consistency_lr,
    place_factor,
    recognition_factor,
    sex_factor,
    time_factor,
)
from exhume.evidence.journal import journal_factor
from exhume.evidence.policy import (
    Policy,
    PolicyResult,
    Reference,
    evaluate,
    load_policy,
    verbal,
)
from exhume.evidence.posterior import Posterior, default_prior_odds, posterior

__all__ = [
    "Factor",
    "Policy",
    "PolicyResult",
    "Posterior",
    "Reference",
    "age_factor",
    "consistency_lr",
    "default_prior_odds",
    "evaluate",
    "journal_factor",
    "load_policy",
    "place_factor",
    "posterior",
    "recognition_factor",
    "sex_factor",
    "time_factor",
    "verbal",
]
