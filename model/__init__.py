"""The protocol model: the schema, the YAML loader with located errors, conditions, the working-day
calendar, and lifecycles compiled to statecharts."""
