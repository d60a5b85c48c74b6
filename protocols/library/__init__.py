"""The England library, bundled with protoverify as data: england.yaml (see docs/library.md)."""
