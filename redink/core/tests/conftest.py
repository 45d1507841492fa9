from redink.testing.browser import browser_context, chromium_browser, page  # noqa: F401
