"""Web pages in a real browser: the accessibility profile (WCAG 2.1 AA via axe-core).

A web profile names pages, not APIs: the run opens each page of the target at each viewport
in Debian's Chromium, lets axe-core check it, and attributes axe-core's rule results to the
WCAG success criteria whose tags the rules carry. Only the target's origin is contacted.
"""
