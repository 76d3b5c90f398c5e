"""The main screen's parts, one module per area; each renders the plain values of :mod:`ahvlab.tui.view`."""
