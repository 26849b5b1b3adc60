"""The headquarters service that offices sync to (the sync capability)."""
