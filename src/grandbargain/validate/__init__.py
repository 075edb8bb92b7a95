"""Scoring models against real outcomes: the case library reader, the DEU scorer and the
validation tables.

The catalogue of cases (`cases.yaml`, shipped here) says which file of a benchmark folder holds
each case's input, what the outcome was and what other models published; the inputs are read
from the folder at run time. `validate_library(folder)` scores every model on every readable
case, `validate_deu(table, capabilities)` on a user's DEU III table.
"""

from grandbargain.validate._catalogue import (
    CaseSpec,
    LoadedCase,
    Outcome,
    Published,
    SkippedCase,
    load_case,
    load_cases,
    read_catalogue,
    shipped_catalogue,
)
from grandbargain.validate._institutions import (
    DEFAULT_INSTITUTIONS,
    INSTITUTIONS,
    apply_institutions,
    institution_weights,
)
from grandbargain.validate._run import (
    CaseRun,
    DeuValidation,
    LibraryValidation,
    ModelInfo,
    load_deu,
    validate_deu,
    validate_library,
)
from grandbargain.validate._scoring import (
    HIT_THRESHOLDS,
    Score,
    Summary,
    equal_weight_ensemble,
    summarise,
)

__all__ = [
    "DEFAULT_INSTITUTIONS",
    "HIT_THRESHOLDS",
    "INSTITUTIONS",
    "CaseRun",
    "CaseSpec",
    "DeuValidation",
    "LibraryValidation",
    "LoadedCase",
    "ModelInfo",
    "Outcome",
    "Published",
    "Score",
    "SkippedCase",
    "Summary",
    "apply_institutions",
    "equal_weight_ensemble",
    "institution_weights",
    "load_case",
    "load_cases",
    "load_deu",
    "read_catalogue",
    "shipped_catalogue",
    "summarise",
    "validate_deu",
    "validate_library",
]
