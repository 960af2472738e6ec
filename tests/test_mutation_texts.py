"""tests/mutations.py stays runnable: every mutation's text still occurs, once, in its file.

Running the mutations takes minutes (not in CI); this check takes none, so a
mutation whose target was reworded fails here instead of going stale unnoticed
(two had: the identifier check and the probe's xerbla_ were respelled).
"""

from __future__ import annotations

import pytest
from mutations import MUTATIONS, ROOT, Mutation


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.name for m in MUTATIONS])
def test_mutation_text_occurs_once(mutation: Mutation) -> None:
    text = (ROOT / mutation.path).read_text(encoding="utf-8")
    assert text.count(mutation.old) == 1, f"{mutation.path} no longer holds {mutation.old!r} exactly once"
    assert mutation.new != mutation.old
