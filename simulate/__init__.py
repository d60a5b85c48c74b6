"""The caseload simulation: a SimPy engine driven by a protocol and a scenario.

`scenario` (the format), `references` (a scenario read against its protocol), `duties` (which duties
become tasks, how), `lifecycles` (stepping a case), `clock` (deadlines, working time, sittings),
`draws` (random streams), `engine` (the SimPy model and a replication), `outcomes` (metrics from
timestamps), `simulation` (a scenario file run end to end); `replications` and `sweep` run many.
"""
