"""protoverify: verify and simulate working protocols between youth justice services and children's
social care in England.

    import protoverify
    protocol = protoverify.load_protocol("protocols/examples/example.yaml")
    report = protoverify.check(protocol)     # findings, and report.exit_code
"""

from .model.loader import load_protocol
from .model.schema import Protocol
from .model.source import LoadError

__all__ = ["LoadError", "Protocol", "check", "load_protocol"]


def check(protocol: Protocol, **options):  # noqa: ANN201 - returns protoverify.properties.check.Report
    """Run every check on a loaded protocol: a `Report` of findings (options: today, timeout, judgements)."""
    from .properties.check import check as run

    return run(protocol, **options)
