"""protoverify: verify and simulate working protocols between youth justice services and children's
social care in England.

    import protoverify
    protocol = protoverify.load_protocol("protocols/examples/example.yaml")
    report = protoverify.check(protocol)     # findings, and report.exit_code
    result = protoverify.simulate("scenarios/stockport-baseline.yaml", replications=10)   # metrics with 95% CIs
"""

from .model.loader import load_protocol
from .model.schema import Protocol
from .model.source import LoadError

__all__ = ["LoadError", "Protocol", "check", "load_protocol", "simulate"]


def check(protocol: Protocol, **options):  # noqa: ANN201 - returns protoverify.properties.check.Report
    """Run every check on a loaded protocol: a `Report` of findings (options: today, timeout, judgements,
    baseline: the statutory baseline, by default the bundled England one)."""
    from .properties.check import check as run

    return run(protocol, **options)


def simulate(scenario: str, replications: int | None = None, **options):  # noqa: ANN201 - returns a dict
    """Run a scenario file against the protocol it names: the result document of `protoverify simulate
    --format json` (options: seed, workers, scheduler, timing)."""
    from .simulate.simulation import simulate as run

    return run(scenario, replications=replications, **options)
