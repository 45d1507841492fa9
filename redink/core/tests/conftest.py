from redink.testing.browser import axe, browser_context, chromium_browser, page  # noqa: F401
