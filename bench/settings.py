"""Production's settings with the bench's URLs: the ceiling view exists only when benchmarking."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
