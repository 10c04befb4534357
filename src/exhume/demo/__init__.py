"""The synthetic demonstration scenario: a site modelled on Izium (September 2022) and a few
smaller sites. Everything it produces is labelled synthetic; no real person is named."""

from exhume.demo.build import DemoReport, build_demo

__all__ = ["DemoReport", "build_demo"]
