"""Two ways the hot pages spend less on the ORM in Python, which costs them
more than the database does."""

import functools


def prebuilt(build):
    """Decorates a function that builds a queryset: it is built once per
    process (building a joined, annotated queryset costs about a third of
    running it) and every call returns a fresh copy, so no results are ever
    shared. Only for querysets that depend on nothing but their code: no
    user, no time."""
    built = functools.cache(build)

    @functools.wraps(build)
    def fresh():
        return built().all()

    return fresh


def set_prefetched(instance, name, rows):
    """Rows loaded by one joined query, left on `instance` as
    prefetch_related(name) would leave them: `instance.<name>.all()` returns
    them without a query; filter() and the rest still query."""
    loaded = getattr(instance, name).all()
    loaded._result_cache, loaded._prefetch_done = list(rows), True
    instance._prefetched_objects_cache = {**getattr(instance, "_prefetched_objects_cache", {}), name: loaded}
