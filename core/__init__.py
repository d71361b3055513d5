"""What every app shares: the domain error, field encryption and small
helpers. Imports no app."""
