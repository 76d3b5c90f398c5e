"""The AHV cluster model: config, spec, mutations and the typed picture of a state."""

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
from ahvlab.model.mutations import MUTATIONS, Mutation
from ahvlab.model.picture import Picture, deadlines, picture
from ahvlab.model.spec import AHVSpec

__all__ = [
    "MUTATIONS",
    "AHVSpec",
    "Config",
    "Mutation",
    "NetworkConfig",
    "Picture",
    "Timings",
    "VMConfig",
    "config_from_dict",
    "config_from_parameters",
    "config_to_dict",
    "deadlines",
    "default_config",
    "load_config",
    "picture",
    "timings_of",
    "with_timing",
]
