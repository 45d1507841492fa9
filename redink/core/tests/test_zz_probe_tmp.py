import pytest
from axe_playwright_python.sync_playwright import Axe
from redink.testing.browser import SCREENS, log_in
from redink.core.tests.test_browser import CASES, page_path, library, demo_member  # noqa

pytestmark = [pytest.mark.django_db(transaction=True)]

def test_all(browser_context, live_server, library, demo_member):
    for viewer, kind in CASES:
        path, _ = page_path(kind, library)
        for screen in SCREENS:
            ctx = browser_context(screen)
            if viewer == "member":
                log_in(ctx, demo_member, base_url=live_server.url)
            page = ctx.new_page()
            page.goto(path)
            res = Axe().run(page, options={"resultTypes": ["violations"], "runOnly": {"type": "tag", "values": ["wcag2a","wcag2aa","wcag21a","wcag21aa","wcag22aa","best-practice"]}})
            v = [(x["id"], x["impact"], [n["target"] for n in x["nodes"]][:4]) for x in res.response["violations"]]
            print(viewer, kind, screen.name, v)
            page.screenshot(path=f"/tmp/probe/shot-{viewer}-{kind}-{screen.name}.png", full_page=True)
            ctx.close()
