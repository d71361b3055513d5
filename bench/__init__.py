"""`make bench`: a realistic dataset, the production server, and concurrent
clients measuring the key pages against the ceiling view (bench/run.py)."""
