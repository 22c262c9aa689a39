"""mvcalc: the tested companion package of *Multivariate Calculus for Machine Learning*.

Each module holds the code of one topic of the book, and every chapter imports
from it rather than defining code of its own:

- :mod:`mvcalc.derivatives`: numerical derivatives of one variable: finite
  differences, the complex step, Richardson extrapolation (chapter 1).
- :mod:`mvcalc.multivariate`: gradient, Jacobian, Hessian, directional
  derivatives, classification of stationary points, the sandpit (chapter 2).
- :mod:`mvcalc.autodiff`: automatic differentiation, forward mode with dual
  numbers and reverse mode with a graph of values (chapter 3).
- :mod:`mvcalc.nn`: a small neural network trained by backpropagation (chapter 3).
- :mod:`mvcalc.taylor`: Taylor series, linearisation, quadratic models and
  Taylor-mode arithmetic (chapter 4).
- :mod:`mvcalc.optimize`: Newton-Raphson, gradient descent, Newton's method,
  Lagrange multipliers (chapter 5); :mod:`mvcalc.testproblems`: standard test
  problems of unconstrained optimisation.
- :mod:`mvcalc.regression`: chi-squared, linear and nonlinear least squares
  (chapter 6); :mod:`mvcalc.datasets`: the NIST Statistical Reference Datasets.
- :mod:`mvcalc.plotting`: the book's figure style and figure helpers.
- :mod:`mvcalc.bench`: measurements of accuracy and cost, with their spread
  and the machine they were made on (the appendix).

Numbers of the book's own types (``Dual``, ``Value``, ``Jet``) go through numpy
functions by the dispatch in ``mvcalc._ufuncs``; input checks shared by every
module are in ``mvcalc._validation``.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mvcalc")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = ["__version__"]
