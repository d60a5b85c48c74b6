"""protoverify: verify and simulate working protocols between youth justice services and children's
social care in England.

    import protoverify
    protocol = protoverify.load_protocol("protocols/examples/example.yaml")
    report = protoverify.check(protocol)     # findings, and report.exit_code
    result = protoverify.simulate("scenarios/stockport-baseline.yaml", replications=10)   # metrics with 95% CIs

The functions are in `api` (and `folder.report`); what they return is rendered by `reports.formats`.
Everything that fails on purpose raises a `ProtoverifyError` (`model.errors`).
"""

import types
from typing import Any

from . import api
from . import simulate as _simulate_package
from .api import check, check_file, compare, diff, load_protocol, sweep
from .model.errors import LoadError, OutputError, ProtoverifyError, SchedulerError, SolverError

__all__ = [
    "LoadError",
    "OutputError",
    "Protocol",
    "ProtoverifyError",
    "SchedulerError",
    "SolverError",
    "check",
    "check_file",
    "compare",
    "diff",
    "load_protocol",
    "report",
    "simulate",
    "sweep",
]


class _CallablePackage(types.ModuleType):
    """The package `protoverify.simulate`, which is also the API function `simulate` (the import
    system would otherwise replace the function with the package of the same name once any of its
    modules is imported): calling it runs `api.simulate`."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return api.simulate(*args, **kwargs)


_simulate_package.__class__ = _CallablePackage
simulate = _simulate_package


def __getattr__(name: str) -> Any:
    """`report` and `Protocol`, imported when first used (they bring in the renderers and the schema)."""
    if name == "report":
        from .folder import report

        return report
    if name == "Protocol":
        from .model.schema import Protocol

        return Protocol
    raise AttributeError(f"module 'protoverify' has no attribute {name!r}")
