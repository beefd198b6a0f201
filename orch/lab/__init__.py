"""The lab: throw-away Debian containers that are real hosts for trying playbooks."""
