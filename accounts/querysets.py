"""Three ways the hot pages spend less on the ORM in Python, which costs them
more than the database does."""

import copy
import functools
import inspect

from django.db import connections
from django.db.transaction import TransactionManagementError


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


# Stand-ins for the keyword arguments of a @precompiled builder while its SQL
# is compiled: numbers no real primary key reaches, each found again in the
# compiled parameters to learn where that argument goes.
_PLACEHOLDER_BASE = 0x7A3C_51E0_9B00_0000
_BIGINT_MIN, _BIGINT_MAX = -(2**63), 2**63 - 1


def precompiled(build):
    """Decorates a function that builds a queryset from whole numbers given
    by keyword (primary keys, as in `filter(reflection__pk=reflection_pk)`):
    its SQL is compiled once per process, and each call runs that SQL with
    the call's numbers and returns the rows as a list, as list(queryset)
    would. Compiling a joined query costs Python more than the database
    spends running it.

    The SQL must depend on nothing but the code: no user object, no time, and
    arguments only in equality lookups on 64-bit keys (a number out of their
    range matches no row, as the ORM has it, without asking the database).
    Compiling checks that each argument went into the parameters as given;
    a builder whose SQL would change with the values fails there."""
    names = frozenset(inspect.signature(build).parameters)
    placeholders = {name: _PLACEHOLDER_BASE + i for i, name in enumerate(sorted(names))}
    compiled = functools.cache(lambda: _Compiled(build(**placeholders), placeholders))

    @functools.wraps(build)
    def run(**values):
        if set(values) != names:
            raise TypeError(f"{build.__name__}() takes {sorted(names)}, not {sorted(values)}")
        for name, value in values.items():
            if type(value) is not int:
                raise TypeError(f"{build.__name__}() takes whole numbers; {name}={value!r}")
            if not _BIGINT_MIN <= value <= _BIGINT_MAX:
                return []
        return compiled().run(values)

    return run


class _Compiled:
    """A builder's queryset, compiled, and where each of its arguments goes
    in the parameters."""

    def __init__(self, queryset, placeholders):
        self.queryset = queryset
        self.alias = queryset.db
        self.compiler = queryset.query.get_compiler(using=self.alias)
        # as_sql() also leaves on the compiler what turns rows into objects.
        self.sql, params = self.compiler.as_sql()
        self.params = list(params)
        by_value = {value: name for name, value in placeholders.items()}
        self.slots = [(i, by_value[p]) for i, p in enumerate(self.params) if type(p) is int and p in by_value]
        missing = set(placeholders) - {name for _, name in self.slots}
        if missing:
            raise ValueError(f"The compiled SQL does not take {sorted(missing)} as given: not for @precompiled.")
        self.locks = queryset.query.select_for_update

    def run(self, values):
        # Compiling checks this once; a lock outside a transaction would be
        # released as soon as it is taken, on every later call too.
        if self.locks and connections[self.alias].get_autocommit():
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        params = list(self.params)
        for i, name in self.slots:
            params[i] = values[name]
        queryset = self.queryset.all()
        # The copy runs the compiled SQL, and never leaves this method.
        queryset._query = _CompiledQuery(self, tuple(params))
        return list(queryset)


class _CompiledQuery:
    """Stands in for the query of a copy of a compiled queryset: the
    ORM's iterables ask it for a compiler, and get a copy of the compiled
    one, on this thread's connection, whose SQL is the compiled SQL with
    this call's parameters. Everything else reads the original query."""

    def __init__(self, compiled, params):
        self._compiled = compiled
        self._params = params

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        compiler = copy.copy(self._compiled.compiler)
        compiler.connection = connections[self._compiled.alias]
        sql, params = self._compiled.sql, self._params
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        return compiler

    def __getattr__(self, name):
        return getattr(self._compiled.queryset.query, name)


def set_prefetched(instance, name, rows):
    """Rows loaded by one joined query, left on `instance` as
    prefetch_related(name) would leave them: `instance.<name>.all()` returns
    them without a query; filter() and the rest still query."""
    loaded = getattr(instance, name).all()
    loaded._result_cache, loaded._prefetch_done = list(rows), True
    instance._prefetched_objects_cache = {**getattr(instance, "_prefetched_objects_cache", {}), name: loaded}
