"""Headers for the files WhiteNoise serves (WHITENOISE_ADD_HEADERS_FUNCTION).

WhiteNoise answers /static/ and the root files (/favicon.ico) itself, before the CSP
middleware runs, so without this those answers carry no Content-Security-Policy. An SVG or
a text file opened on its own is a document like any page, and gets the pages' policy.
X-Content-Type-Options and Referrer-Policy come from Django's SecurityMiddleware, which
stands before WhiteNoise in MIDDLEWARE.
"""

from csp.constants import HEADER
from csp.utils import build_policy


def add_security_headers(headers, path, url):
    # django-csp's own builder reading settings.CONTENT_SECURITY_POLICY, as its middleware
    # does for pages: one policy, no copy to drift.
    headers[HEADER] = build_policy()
    # Nothing here is meant for another site's pages; refusing them closes side channels
    # (cache timing, Spectre) through our files.
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
