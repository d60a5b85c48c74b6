"""The names a python-statemachine `StateChart` already has (send, configuration ...): an event with
one of them would overwrite it, so the loader refuses them as event ids.

Kept as a list, not read from the library, so that loading a protocol does not import the statechart
engine (slow to import: it brings in asyncio); tests/test_startup.py checks the list against the
installed library.
"""

RESERVED_EVENT_IDS = frozenset(
    (
        "TransitionNotAllowed",
        "activate_initial_state",
        "active_listeners",
        "add_listener",
        "allow_event_without_transition",
        "allowed_events",
        "atomic_configuration_update",
        "bind_events_to",
        "cancel_event",
        "catch_errors_as_events",
        "configuration",
        "configuration_values",
        "current_state",
        "current_state_value",
        "enable_self_transition_entries",
        "enabled_events",
        "events",
        "id",
        "is_terminated",
        "name",
        "prepare",
        "raise_",
        "send",
        "start_configuration_values",
        "states",
        "states_map",
    )
)
