"""The protocol model: the schema, the YAML loader with located errors, conditions, the working-day
calendar, the statechart semantics of the lifecycles (`semantics`), and lifecycles compiled to
python-statemachine statecharts (`statechart`)."""
