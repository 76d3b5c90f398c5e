"""The AHV cluster model: config, spec, mutations and a plain-value picture of a state."""

from __future__ import annotations

from ahvlab.model.config import (
    Config,
    NetworkConfig,
    Timings,
    VMConfig,
    config_from_dict,
    config_from_parameters,
    config_to_dict,
    default_config,
    load_config,
    timings_of,
    with_timing,
)
from ahvlab.model.describe import describe
from ahvlab.model.mutations import MUTATIONS
from ahvlab.model.spec import AHVSpec

__all__ = [
    "MUTATIONS",
    "AHVSpec",
    "Config",
    "NetworkConfig",
    "Timings",
    "VMConfig",
    "config_from_dict",
    "config_from_parameters",
    "config_to_dict",
    "default_config",
    "describe",
    "load_config",
    "timings_of",
    "with_timing",
]
