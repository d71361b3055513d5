"""What every app shares: the domain error and small helpers. Imports no app."""
