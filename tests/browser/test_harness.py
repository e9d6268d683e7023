"""The checks the browser tests rely on: axe-core really runs, and no page escapes it."""

from __future__ import annotations

import pytest

from .support import AccessibilityError

pytestmark = pytest.mark.browser


def test_axe_check_reports_violations_and_unchecked_pages(open_session, transactional_db):
    public = open_session("allmänheten")
    public.visit("/kanaler")
    assert public.visited[-1].endswith("/kanaler")

    # A page made inaccessible on purpose: no language, an image without text.
    public.page.evaluate("document.documentElement.removeAttribute('lang');"
                         "document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"data:,\">')")
    with pytest.raises(AccessibilityError) as failure:
        public.check()
    message = str(failure.value)
    assert "html-has-lang (serious)" in message
    assert "image-alt (critical)" in message and "target: img" in message

    # A field described by an element that is not there (axe only asks for a review).
    public.visit("/kanaler")
    public.page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend',"
                         " '<label for=\"f\">Fält</label><input id=\"f\" aria-describedby=\"f_error\">')")
    with pytest.raises(AccessibilityError) as failure:
        public.check()
    assert 'ARIA references to elements that do not exist' in str(failure.value)
    assert '#f aria-describedby="f_error"' in str(failure.value)

    # A page loaded behind the helpers' back is noticed; checking it clears the debt.
    public.page.goto(public.url("/logga-in/"))
    assert public.unchecked_pages() == [public.url("/logga-in/")]
    public.check()
    assert public.unchecked_pages() == []
