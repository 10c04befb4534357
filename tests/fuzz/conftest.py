"""The fuzz tests use the web tests' small site (built once per module)."""

from tests.web.conftest import _module_sites, built

__all__ = ["_module_sites", "built"]
