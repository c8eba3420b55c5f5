"""Qt item models over the domain's DataFrames (no copies into widgets)."""
