"""Every public service and selector is called with keywords and says its types (STYLE.md,
habit 2): `essay_publish(*, essay, moderator)`, never `essay_publish(essay, moderator)`."""

import importlib
import inspect
import types
from pathlib import Path

from redink.access.selectors import user_has_membership

PACKAGE = Path(__file__).resolve().parents[2]  # redink/

# The modules that hold the writes and reads of each app, found by file name so that a new one
# is checked without being listed here.
PATTERNS = ("*/services*.py", "*/services/*.py", "*/selectors*.py", "marking/comments.py")


def service_modules() -> list[types.ModuleType]:
    paths = sorted({path for pattern in PATTERNS for path in PACKAGE.glob(pattern)})
    names = [".".join(("redink", *path.relative_to(PACKAGE).with_suffix("").parts)) for path in paths]
    return [importlib.import_module(name.removesuffix(".__init__")) for name in names]


def offenders(module: types.ModuleType) -> list[str]:
    """The public functions defined in `module` (not imported into it) that take a parameter by
    position or leave a parameter or their return without a type."""
    found = []
    for name, function in vars(module).items():
        if name.startswith("_") or not inspect.isfunction(function) or function.__module__ != module.__name__:
            continue
        signature = inspect.signature(function)
        problems = [
            f"{parameter.name} is {parameter.kind.description}"
            for parameter in signature.parameters.values()
            if parameter.kind not in (parameter.KEYWORD_ONLY, parameter.VAR_KEYWORD)
        ]
        problems += [
            f"{parameter.name} has no type"
            for parameter in signature.parameters.values()
            if parameter.annotation is inspect.Parameter.empty
        ]
        if signature.return_annotation is inspect.Signature.empty:
            problems.append("no return type")
        if problems:
            found.append(f"{module.__name__}.{name}: {', '.join(problems)}")
    return found


def test_every_public_service_and_selector_is_keyword_only_and_typed():
    modules = service_modules()
    names = {module.__name__ for module in modules}
    assert {"redink.catalogue.services", "redink.access.selectors", "redink.submissions.services.imports"} <= names
    assert {"redink.marking.comments", "redink.marking.selectors_reviews"} <= names
    found = [offender for module in modules for offender in offenders(module)]
    assert not found, "Public services and selectors take keyword-only, typed parameters:\n" + "\n".join(found)


def test_a_positional_or_untyped_function_is_named():
    def thing_positional(thing: int) -> None: ...

    def thing_untyped(*, thing) -> None: ...

    def thing_unreturned(*, thing: int): ...

    def thing_fine(*, thing: int, **more: int) -> None: ...

    def _thing_private(thing): ...

    module = types.ModuleType("redink.example.services")
    for function in (thing_positional, thing_untyped, thing_unreturned, thing_fine, _thing_private):
        function.__module__ = module.__name__
        setattr(module, function.__name__, function)
    module.user_has_membership = user_has_membership  # imported, so not the module's own
    assert offenders(module) == [
        "redink.example.services.thing_positional: thing is positional or keyword",
        "redink.example.services.thing_untyped: thing has no type",
        "redink.example.services.thing_unreturned: no return type",
    ]
