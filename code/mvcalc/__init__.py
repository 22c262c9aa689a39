"""mvcalc: the tested companion package of *Multivariate Calculus for Machine Learning*.

Each module holds the code of one topic of the book, and every chapter imports
from it rather than defining code of its own:

- :mod:`mvcalc.derivatives`: numerical derivatives of one variable (chapter 1).
- :mod:`mvcalc.plotting`: figure helpers and the book's colour-blind-safe style.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mvcalc")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = ["__version__"]
