from tests.web.conftest import _module_sites, built

__all__ = ["_module_sites", "built"]
