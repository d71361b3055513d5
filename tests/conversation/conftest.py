"""Fixtures shared by the tests of what happens after the reveal."""

import pytest

from ..conftest import reveal


@pytest.fixture
def revealed(reflection, alice, bob):
    """The reflection, answered by both and revealed."""
    return reveal(reflection, alice, bob)


@pytest.fixture
def prompt(revealed):
    """The revealed reflection's first prompt."""
    return revealed.prompts.first()
