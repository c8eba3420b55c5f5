"""Subcommands of the `placement-planner` command line."""
