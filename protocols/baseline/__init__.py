"""The statutory baseline, bundled with protoverify as data: england.yaml (see README.md)."""
