"""The caseload simulation: a SimPy engine driven by a protocol and a scenario."""
