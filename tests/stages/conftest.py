"""Fixtures shared by the stage tests."""

import pytest

from corpuskit.stages.boilerplate import Classifier


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    """The default classifier, built once: compiling every rule pack takes about a second."""
    return Classifier()
