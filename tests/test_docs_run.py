"""The examples in docstrings are run: they must stay true."""
from __future__ import annotations

import doctest

import pytest

import xlalign
import xlalign.signatures


@pytest.mark.parametrize("module", [xlalign, xlalign.signatures], ids=lambda m: m.__name__)
def test_docstring_examples(module):
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failures == 0
