"""Renderers: SCXML and diagrams of the lifecycles, and safe writing of output files."""
