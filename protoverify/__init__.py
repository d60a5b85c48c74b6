"""protoverify: verify and simulate working protocols between youth justice services and children's
social care in England.

    import protoverify
    protocol = protoverify.load_protocol("protocols/examples/example.yaml")
"""

from .model.loader import load_protocol
from .model.schema import Protocol
from .model.source import LoadError

__all__ = ["LoadError", "Protocol", "load_protocol"]
