"""Rows loaded by one joined query, left on an object as prefetch_related
would leave them, so that a page reads them without a second query."""


def set_prefetched(instance, name, rows):
    """`instance.<name>.all()` now returns `rows` without a query; filter()
    and the rest still query, as after prefetch_related(name)."""
    loaded = getattr(instance, name).all()
    loaded._result_cache, loaded._prefetch_done = list(rows), True
    instance._prefetched_objects_cache = {**getattr(instance, "_prefetched_objects_cache", {}), name: loaded}
