"""ahvlab: a TLA-like explicit-state model checker and teaching shell for a Nutanix AHV cluster."""

__version__ = "0.1.0"
